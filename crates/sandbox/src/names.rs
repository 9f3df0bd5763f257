//! Built-in given names and family names for the people generator.
//!
//! The lists mix many cultures and spellings (including a few with
//! diacritics and particles such as "O'Connor" or "Van der Berg") so that
//! clients are exercised on realistic, not only ASCII, names. Every entry
//! folds to a distinct ASCII slug; a unit test in `people` checks that.

/// Given names.
#[rustfmt::skip]
pub(crate) const FIRST_NAMES: &[&str] = &[
    "Aaliyah", "Aaron", "Abdul", "Abigail", "Adaeze", "Adam", "Adebayo", "Aditi", "Adriana",
    "Agnieszka", "Ahmed", "Aiden", "Aiko", "Aisha", "Akira", "Alejandro", "Aleksandra", "Alex",
    "Alice", "Alicia", "Amara", "Amelia", "Amir", "Ana", "Anders", "Andrea", "Andrew", "Angela",
    "Anh", "Anika", "Anna", "Anthony", "Antoine", "Arjun", "Astrid", "Ayesha", "Beatriz",
    "Benjamin", "Bianca", "Björn", "Bogdan", "Brandon", "Brianna", "Bruno", "Camila", "Carlos",
    "Carmen", "Caroline", "Catalina", "Chen", "Chiamaka", "Chidi", "Chloe", "Chris", "Christina",
    "Claire", "Connor", "Daniel", "Daniela", "Darius", "David", "Deepa", "Deborah", "Diego",
    "Dimitri", "Divya", "Dmitri", "Dong", "Eduardo", "Elena", "Elif", "Elijah", "Elizabeth",
    "Ella", "Emeka", "Emily", "Emma", "Emre", "Enrique", "Eric", "Esther", "Ethan", "Eva",
    "Fatima", "Felipe", "Femi", "Fernando", "Fiona", "Francesca", "François", "Gabriel",
    "Gabriela", "Gareth", "Giorgos", "Giulia", "Grace", "Hamza", "Hana", "Hannah", "Hao",
    "Haruto", "Hassan", "Heather", "Hiroshi", "Hyun", "Ian", "Ibrahim", "Ifeoma", "Ines",
    "Ingrid", "Isabel", "Isabella", "Isaac", "Ivan", "Jack", "Jacob", "Jakub", "James", "Jamal",
    "Jana", "Jasmine", "Javier", "Jennifer", "Jessica", "Ji", "Jia", "Jin", "João", "John",
    "Jonas", "Jorge", "José", "Joseph", "Joshua", "Juan", "Julia", "Julian", "Jun", "Kaito",
    "Kamala", "Karim", "Karin", "Kateryna", "Katherine", "Kavya", "Keanu", "Kenji", "Kevin",
    "Khadija", "Kiran", "Kofi", "Kwame", "Lakshmi", "Lars", "Laura", "Layla", "Leah", "Lei",
    "Leila", "Leon", "Li", "Liam", "Lina", "Linh", "Lucas", "Lucía", "Luis", "Luka", "Maya",
    "Magdalena", "Mai", "Malik", "Manuel", "Marco", "Margaret", "María", "Mariam", "Mark",
    "Marta", "Mateo", "Matthew", "Mei", "Mehmet", "Mia", "Michael", "Miguel", "Mikael", "Min",
    "Ming", "Mohammed", "Monica", "Mustafa", "Nadia", "Naledi", "Naomi", "Natalia", "Nathan",
    "Nia", "Nicolás", "Nikhil", "Nikola", "Nils", "Noah", "Nomvula", "Nora", "Nour", "Obinna",
    "Olga", "Oliver", "Olivia", "Omar", "Oscar", "Pablo", "Patricia", "Paul", "Pedro", "Pietro",
    "Pooja", "Priya", "Rachel", "Rafael", "Rahul", "Rajesh", "Ramón", "Rania", "Ravi", "Rebecca",
    "Renée", "Ricardo", "Riya", "Robert", "Rohan", "Rosa", "Ruth", "Ryan", "Ryo", "Saanvi",
    "Sakura", "Salma", "Samir", "Samuel", "Sana", "Santiago", "Sara", "Sarah", "Sean", "Sebastian",
    "Sergei", "Shira", "Shreya", "Simone", "Sina", "Siobhan", "Sofia", "Søren", "Sophie",
    "Stefan", "Sunita", "Svetlana", "Tamar", "Tanvir", "Tariq", "Thabo", "Thomas", "Tiago",
    "Timur", "Tomás", "Tuan", "Tyler", "Uchenna", "Valentina", "Vanessa", "Vikram", "Víctor",
    "Wei", "William", "Xavier", "Xin", "Yasmin", "Yara", "Yerlan", "Yousef", "Yuki", "Yusuf",
    "Zainab", "Zara", "Zeynep", "Zhang", "Zoë", "Zoltán",
];

/// Family names.
#[rustfmt::skip]
pub(crate) const LAST_NAMES: &[&str] = &[
    "Abadi", "Abara", "Acheampong", "Adams", "Adeyemi", "Agarwal", "Ahmed", "Akhtar", "Al-Sayed",
    "Alexander", "Ali", "Almeida", "Alvarez", "Andersen", "Anderson", "Andersson", "Asante",
    "Bailey", "Baker", "Banda", "Banerjee", "Barbieri", "Barnes", "Becker", "Bell", "Bennett",
    "Bergström", "Bianchi", "Bose", "Brooks", "Brown", "Bui", "Campbell", "Carter", "Castillo",
    "Castro", "Chang", "Chatterjee", "Chen", "Cho", "Choi", "Chowdhury", "Clark", "Cohen",
    "Collins", "Cook", "Cooper", "Costa", "Cruz", "da Silva", "Dang", "Das", "Davies", "Davis",
    "De la Cruz", "Dhillon", "Diallo", "Díaz", "Dimitrov", "Do", "Dubois", "Dudek", "Edwards",
    "Eriksen", "Evans", "Fernandes", "Fernández", "Ferrari", "Fischer", "Flores", "Fofana",
    "Fontaine", "Forde", "Fujita", "Gallagher", "García", "Ghosh", "Gill", "Gomes", "Gómez",
    "González", "Gordon", "Green", "Gupta", "Gutiérrez", "Haddad", "Hall", "Hamid", "Hansen",
    "Harris", "Hashemi", "Hayashi", "Hernández", "Hill", "Hoang", "Hoffmann", "Horvat", "Hossain",
    "Hughes", "Huang", "Hussain", "Ibrahim", "Ito", "Ivanov", "Iyer", "Jackson", "Jain", "James",
    "Jansen", "Jensen", "Jiménez", "Johansson", "Johnson", "Jones", "Joshi", "Jung", "Kamau",
    "Kang", "Kapoor", "Karimi", "Kaya", "Kelly", "Khalil", "Khan", "Kim", "King", "Kiplagat",
    "Klein", "Kobayashi", "Koch", "Kovács", "Kowalski", "Kozlov", "Krishnan", "Kumar", "Kuznetsov",
    "Lam", "Larsen", "Lee", "Lewis", "Li", "Lim", "Lin", "Liu", "Lopes", "López", "Ma",
    "MacDonald", "Mahlangu", "Malik", "Mansour", "Marino", "Martin", "Martínez", "Medina",
    "Mehta", "Mendoza", "Mensah", "Meyer", "Miller", "Mishra", "Mitchell", "Mohamed", "Molina",
    "Moore", "Morales", "Moreno", "Morris", "Mukherjee", "Müller", "Murphy", "Musa", "Nair",
    "Nakamura", "Navarro", "Ndlovu", "Nguyen", "Nielsen", "Novak", "Nowak", "Nunes", "Nwosu",
    "O'Brien", "O'Connor", "Obi", "Odhiambo", "Ogunleye", "Oh", "Okafor", "Okonkwo", "Oliveira",
    "Olsen", "Ortiz", "Osei", "Owusu", "Öztürk", "Park", "Parker", "Patel", "Pereira", "Perez",
    "Petrov", "Pham", "Phillips", "Popescu", "Popov", "Qureshi", "Rahman", "Ramírez", "Ramos",
    "Rao", "Reddy", "Reyes", "Richter", "Rivera", "Roberts", "Robinson", "Rodríguez", "Romero",
    "Rossi", "Ruiz", "Russo", "Saito", "Sánchez", "Santos", "Sato", "Schmidt", "Schneider",
    "Scott", "Sen", "Shah", "Sharma", "Shevchenko", "Silva", "Singh", "Smith", "Sokolov", "Song",
    "Sousa", "Stewart", "Suzuki", "Svensson", "Szabó", "Takahashi", "Tan", "Tanaka", "Taylor",
    "Thapa", "Thomas", "Thompson", "Torres", "Tran", "Turner", "Uddin", "Usman", "Vargas",
    "Vasquez", "Van der Berg", "Verma", "Vu", "Wagner", "Walker", "Wang", "Watanabe", "Weber",
    "White", "Williams", "Wilson", "Wiśniewski", "Wong", "Wright", "Wu", "Xu", "Yadav", "Yamamoto",
    "Yang", "Yildiz", "Yilmaz", "Young", "Yu", "Zhang", "Zhao", "Zhou", "Zhu", "Zimmermann",
];
