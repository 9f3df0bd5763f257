//! Where a portal's secret comes from: an environment variable (`*_env`), a file readable
//! only by its owner (`*_file`), or the standard output of a command run without a shell
//! (`*_command`). Exactly one of the three per secret.
//!
//! The value is never part of an error: a failing command is reported with its exit
//! status and its standard error (capped), never its standard output; a file with its
//! path and mode, never its contents.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use secrecy::SecretString;

use super::ConfigError;

/// The most of a failing command's standard error shown in an error.
const STDERR_SHOWN: usize = 1024;

/// One secret's three possible sources, as written in the portals file.
#[derive(Debug, Default)]
pub(super) struct SecretFields {
    /// `<secret>_env`: the name of an environment variable.
    pub(super) env: Option<String>,
    /// `<secret>_file`: the path of a file readable only by its owner.
    pub(super) file: Option<String>,
    /// `<secret>_command`: a program and its arguments.
    pub(super) command: Option<toml::Value>,
}

impl SecretFields {
    /// Takes `<secret>_env`, `<secret>_file` and `<secret>_command` out of a portal's table.
    pub(super) fn take(
        portal: &str,
        secret: &str,
        table: &mut toml::Table,
    ) -> Result<Self, ConfigError> {
        let text = |table: &mut toml::Table, field: String| match table.remove(&field) {
            None => Ok(None),
            Some(toml::Value::String(value)) => Ok(Some(value)),
            Some(_) => Err(ConfigError::new(Some(portal), &field, "must be a string")),
        };
        Ok(Self {
            env: text(table, format!("{secret}_env"))?,
            file: text(table, format!("{secret}_file"))?,
            command: table.remove(&format!("{secret}_command")),
        })
    }

    /// Whether any of the three is given.
    pub(super) fn is_given(&self) -> bool {
        self.env.is_some() || self.file.is_some() || self.command.is_some()
    }
}

/// Reads the secret `secret` of portal `portal` from the one source given.
pub(super) fn resolve(
    portal: &str,
    secret: &str,
    fields: SecretFields,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<SecretString, ConfigError> {
    let error = |suffix: &str, reason: String| {
        ConfigError::new(Some(portal), &format!("{secret}_{suffix}"), reason)
    };
    let given: Vec<&str> = [
        ("env", fields.env.is_some()),
        ("file", fields.file.is_some()),
        ("command", fields.command.is_some()),
    ]
    .into_iter()
    .filter_map(|(suffix, given)| given.then_some(suffix))
    .collect();
    if given.len() > 1 {
        return Err(error(
            given[1],
            format!(
                "give only one of `{secret}_env`, `{secret}_file` and `{secret}_command`, not `{secret}_{}` and `{secret}_{}`",
                given[0], given[1]
            ),
        ));
    }
    let (suffix, value) = match fields {
        SecretFields {
            env: Some(variable),
            ..
        } => ("env", from_env(&variable, env)),
        SecretFields {
            file: Some(path), ..
        } => ("file", from_file(Path::new(&path))),
        SecretFields {
            command: Some(argv),
            ..
        } => (
            "command",
            arguments(&argv).and_then(|argv| from_command(&argv)),
        ),
        SecretFields { .. } => {
            return Err(error(
                "env",
                format!("missing; give `{secret}_env`, `{secret}_file` or `{secret}_command`"),
            ));
        }
    };
    let value = value.map_err(|reason| error(suffix, reason))?;
    if value.trim().is_empty() {
        return Err(error(
            suffix,
            match suffix {
                "env" => "the environment variable is empty".to_owned(),
                "file" => "the file is empty".to_owned(),
                _ => "the command printed nothing".to_owned(),
            },
        ));
    }
    Ok(SecretString::from(value))
}

fn from_env(variable: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    if variable.trim().is_empty() {
        return Err("must name an environment variable".to_owned());
    }
    env(variable).ok_or_else(|| format!("environment variable `{variable}` is not set"))
}

/// Reads a secret file, refusing one that anyone but its owner may read or change.
fn from_file(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let metadata =
        std::fs::metadata(path).map_err(|error| format!("can not read `{shown}`: {error}"))?;
    if !metadata.is_file() {
        return Err(format!("`{shown}` is not a regular file"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "`{shown}` is group- or world-accessible (mode {mode:03o}); it must be readable only by its owner (chmod 600)"
            ));
        }
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|mut file| file.read_to_string(&mut text))
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::InvalidData => format!("`{shown}` is not UTF-8 text"),
            _ => format!("can not read `{shown}`: {error}"),
        })?;
    Ok(without_trailing_newline(text))
}

/// The program and arguments of a `*_command` field: a non-empty array of strings.
fn arguments(value: &toml::Value) -> Result<Vec<String>, String> {
    let expected = || {
        "must be an array of strings, the program then its arguments (run without a shell)"
            .to_owned()
    };
    let argv = value
        .as_array()
        .ok_or_else(expected)?
        .iter()
        .map(|part| part.as_str().map(str::to_owned).ok_or_else(expected))
        .collect::<Result<Vec<_>, _>>()?;
    match argv.first() {
        Some(program) if !program.trim().is_empty() => Ok(argv),
        _ => Err(expected()),
    }
}

/// Runs the command with no shell and no input and returns its standard output. On
/// failure the error shows the exit status and standard error, never standard output.
fn from_command(argv: &[String]) -> Result<String, String> {
    let (program, arguments) = argv.split_first().expect("arguments are checked non-empty");
    let output = Command::new(program)
        .args(arguments)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|error| format!("could not run `{program}`: {error}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stderr = stderr.trim();
        let mut cut = stderr.len().min(STDERR_SHOWN);
        while !stderr.is_char_boundary(cut) {
            cut -= 1;
        }
        let shown = if stderr.is_empty() {
            "no standard error".to_owned()
        } else {
            format!("standard error: {}", &stderr[..cut])
        };
        return Err(format!("`{program}` failed ({}); {shown}", output.status));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| format!("`{program}` printed something that is not UTF-8 text"))?;
    Ok(without_trailing_newline(text))
}

/// Drops one trailing line break (`\n` or `\r\n`), as a shell's `$(...)` would, but only one.
fn without_trailing_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::path::PathBuf;

    const CANARY: &str = "canary-secret-3f9a";

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("portalctl-secret-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[cfg(unix)]
    fn write_with_mode(path: &Path, bytes: impl AsRef<[u8]>, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(path, bytes).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn file(path: &Path) -> SecretFields {
        SecretFields {
            file: Some(path.display().to_string()),
            ..SecretFields::default()
        }
    }

    fn command(argv: &[&str]) -> SecretFields {
        SecretFields {
            command: Some(toml::Value::Array(
                argv.iter().map(|part| toml::Value::from(*part)).collect(),
            )),
            ..SecretFields::default()
        }
    }

    fn shown(error: &ConfigError) -> String {
        format!("{error} {error:?}")
    }

    #[cfg(unix)]
    #[test]
    fn an_owner_only_file_is_read_without_its_trailing_newline() {
        let dir = scratch("owner");
        let path = dir.join("token");
        write_with_mode(&path, format!("{CANARY}\n\n"), 0o600);
        let secret = resolve("tl", "token", file(&path), &no_env).unwrap();
        assert_eq!(
            secret.expose_secret(),
            format!("{CANARY}\n"),
            "one newline only"
        );
        write_with_mode(&path, format!("{CANARY}\r\n"), 0o400);
        let secret = resolve("tl", "token", file(&path), &no_env).unwrap();
        assert_eq!(secret.expose_secret(), CANARY);
    }

    #[cfg(unix)]
    #[test]
    fn a_group_or_world_accessible_file_is_refused_naming_portal_and_field() {
        let dir = scratch("open");
        let path = dir.join("token");
        for mode in [0o640, 0o604, 0o620, 0o644] {
            write_with_mode(&path, CANARY, mode);
            let error = resolve("acme-tl", "token", file(&path), &no_env).unwrap_err();
            assert_eq!(
                (error.portal.as_deref(), error.field.as_str()),
                (Some("acme-tl"), "token_file")
            );
            assert!(
                error.reason.contains(&format!("mode {mode:03o}"))
                    && error.reason.contains("readable only by its owner"),
                "{error}"
            );
            assert!(!shown(&error).contains(CANARY), "{error:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_missing_empty_or_binary_file_is_refused_without_its_contents() {
        let dir = scratch("bad");
        let missing = resolve("p", "api_key", file(&dir.join("nope")), &no_env).unwrap_err();
        assert!(missing.reason.contains("can not read"), "{missing}");
        let empty = dir.join("empty");
        write_with_mode(&empty, "\n", 0o600);
        let error = resolve("p", "api_key", file(&empty), &no_env).unwrap_err();
        assert_eq!(error.field, "api_key_file");
        assert!(error.reason.contains("empty"), "{error}");
        let binary = dir.join("binary");
        write_with_mode(&binary, b"canary\xff\xfe", 0o600);
        let error = resolve("p", "api_key", file(&binary), &no_env).unwrap_err();
        assert!(error.reason.contains("not UTF-8"), "{error}");
        assert!(!shown(&error).contains("canary"), "{error:?}");
        let error = resolve("p", "api_key", file(&dir), &no_env).unwrap_err();
        assert!(error.reason.contains("not a regular file"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_command_is_run_without_a_shell_and_its_stdout_read() {
        let secret = resolve("lm", "access_key", command(&["echo", CANARY]), &no_env).unwrap();
        assert_eq!(secret.expose_secret(), CANARY, "echo's newline trimmed");
        // Without a shell, `$HOME` and `;` reach the program as they are.
        let literal = resolve("lm", "access_key", command(&["echo", "$HOME;x"]), &no_env).unwrap();
        assert_eq!(literal.expose_secret(), "$HOME;x");
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_command_shows_its_status_and_stderr_never_its_stdout() {
        let error = resolve(
            "vault",
            "api_key",
            command(&[
                "sh",
                "-c",
                &format!("echo {CANARY}; echo 'vault is locked' >&2; exit 3"),
            ]),
            &no_env,
        )
        .unwrap_err();
        assert_eq!(
            (error.portal.as_deref(), error.field.as_str()),
            (Some("vault"), "api_key_command")
        );
        assert!(
            error.reason.contains("exit status: 3") && error.reason.contains("vault is locked"),
            "{error}"
        );
        assert!(!shown(&error).contains(CANARY), "{error:?}");

        let error = resolve(
            "vault",
            "api_key",
            command(&["/nonexistent/portalctl-op"]),
            &no_env,
        )
        .unwrap_err();
        assert!(error.reason.contains("could not run"), "{error}");
        let error = resolve("vault", "api_key", command(&["true"]), &no_env).unwrap_err();
        assert!(error.reason.contains("printed nothing"), "{error}");
    }

    #[test]
    fn a_command_must_be_a_non_empty_argument_list() {
        for value in [
            toml::Value::from("op read op://vault/key"),
            toml::Value::Array(vec![]),
            toml::Value::Array(vec![toml::Value::from(1)]),
        ] {
            let fields = SecretFields {
                command: Some(value),
                ..SecretFields::default()
            };
            let error = resolve("p", "token", fields, &no_env).unwrap_err();
            assert_eq!(error.field, "token_command");
            assert!(error.reason.contains("array of strings"), "{error}");
        }
    }

    #[test]
    fn two_sources_for_one_secret_are_refused() {
        let fields = SecretFields {
            env: Some("TOKEN".into()),
            file: Some("/run/secrets/token".into()),
            command: None,
        };
        let error = resolve("tl", "token", fields, &|_| Some(CANARY.into())).unwrap_err();
        assert_eq!(
            (error.portal.as_deref(), error.field.as_str()),
            (Some("tl"), "token_file")
        );
        assert!(error.reason.contains("only one of"), "{error}");
        let error = resolve("tl", "token", SecretFields::default(), &no_env).unwrap_err();
        assert_eq!(error.field, "token_env");
        assert!(error.reason.contains("`token_command`"), "{error}");
    }
}
