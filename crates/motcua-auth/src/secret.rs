//! Secrets that cannot leak through `Debug`, and the one source of randomness.

use std::fmt;

use zeroize::Zeroize;

/// A value that must not appear in logs: `Debug` prints `***`, there is no `Display`, and the
/// memory is overwritten when it is dropped.
///
/// Reading the value needs an explicit [`Secret::expose`], which makes every place a secret
/// leaves the program easy to find.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T: Zeroize>(T);

impl<T: Zeroize> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself, to send it to its owner once or to feed it to a hash.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The operating system's random number generator failed. This should never happen on a
/// working system; the caller must refuse the operation rather than fall back to anything
/// weaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random number generator failed")]
pub struct RngError;

/// `N` bytes from the operating system's cryptographically secure random number generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], RngError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        tracing::error!(error = %e, "OS random number generator failed");
        RngError
    })?;
    Ok(bytes)
}

/// A uniformly random string of `len` characters from `alphabet` (at most 256 characters;
/// rejection sampling, so there is no modulo bias).
pub(crate) fn random_string(alphabet: &[u8], len: usize) -> Result<String, RngError> {
    debug_assert!(!alphabet.is_empty() && alphabet.len() <= 256);
    // The largest multiple of the alphabet size that fits in a byte; bytes above are redrawn.
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<32>()? {
            if usize::from(b) < limit && out.len() < len {
                out.push(char::from(alphabet[usize::from(b) % alphabet.len()]));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::new(String::from("hunter2hunter2"));
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{:?}", Some(&s)), "Some(***)");
        assert_eq!(s.expose(), "hunter2hunter2");
    }

    #[test]
    fn random_bytes_differ() {
        let a = random_bytes::<32>().unwrap();
        let b = random_bytes::<32>().unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn random_strings_use_the_alphabet_evenly() {
        let s = random_string(b"abc", 3000).unwrap();
        assert_eq!(s.len(), 3000);
        for c in ['a', 'b', 'c'] {
            let n = s.chars().filter(|&x| x == c).count();
            // Expected 1000 each; 6 standard deviations is about ±155.
            assert!((845..=1155).contains(&n), "{c}: {n}");
        }
    }
}
