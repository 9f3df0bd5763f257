//! How a run ends, and the process exit code for it.

/// A run that finished: everything done, or some portals failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// Everything asked for was done (exit code 0).
    Complete,
    /// Some portals failed; the rest were done and reported (exit code 3).
    Partial,
    /// Nothing could be done (exit code 1).
    Failed,
}

impl Done {
    /// From how many portals (or actions) were worked on and how many failed.
    pub fn from_counts(worked: usize, failed: usize) -> Self {
        if failed == 0 {
            Done::Complete
        } else if failed < worked {
            Done::Partial
        } else {
            Done::Failed
        }
    }

    /// The worse of two.
    #[must_use]
    pub fn and(self, other: Done) -> Done {
        match (self, other) {
            (Done::Failed, _) | (_, Done::Failed) => Done::Failed,
            (Done::Partial, _) | (_, Done::Partial) => Done::Partial,
            _ => Done::Complete,
        }
    }

    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Done::Complete => 0,
            Done::Failed => 1,
            Done::Partial => 3,
        }
    }
}

/// A run that stopped before doing anything, with a one-line message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stop {
    /// Bad input or configuration; nothing was sent (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// Something else went wrong (exit code 1).
    #[error("{0}")]
    Failure(String),
    /// Whoever read the output stopped reading (`portalctl audit | head`): end quietly,
    /// as other command-line tools do (exit code 0).
    #[error("output closed by the reader")]
    OutputClosed,
}

impl Stop {
    /// The process exit code.
    pub fn code(&self) -> u8 {
        match self {
            Stop::Usage(_) => 2,
            Stop::Failure(_) => 1,
            Stop::OutputClosed => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_is_some_but_not_all() {
        assert_eq!(Done::from_counts(4, 0).code(), 0);
        assert_eq!(Done::from_counts(4, 1).code(), 3);
        assert_eq!(Done::from_counts(4, 4).code(), 1);
        assert_eq!(Done::Complete.and(Done::Partial), Done::Partial);
        assert_eq!(Stop::Usage("x".into()).code(), 2);
    }
}
