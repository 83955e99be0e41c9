//! The tantivy analyzers registered on the index:
//!
//! * [`UNIGRAM`] = [`WordTokenizer`] + [`FoldFilter`]: one term per folded word;
//! * [`BIGRAM`] = [`WordTokenizer`] + [`FoldFilter`] + [`BigramFilter`]: one term per pair of
//!   adjacent words separated by white space only ("khai sinh"), so that phrase-like matches
//!   rank above scattered syllables — Vietnamese words are mostly two syllables.
//!
//! Both use [`mod@crate::fold`], like the query side, so index and query always agree.

use std::mem;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

use crate::fold::{fold_word, next_word};

/// Name of the unigram analyzer.
pub const UNIGRAM: &str = "vn";
/// Name of the bigram (shingle) analyzer.
pub const BIGRAM: &str = "vn_bigram";

/// The unigram analyzer.
pub fn unigram() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(FoldFilter)
        .build()
}

/// The bigram analyzer.
pub fn bigram() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(FoldFilter)
        .filter(BigramFilter)
        .build()
}

/// Splits text into words: maximal runs of letters or of digits (see [`next_word`]).
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordTokenStream<'a> {
    text: &'a str,
    pos: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            pos: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((from, to)) = next_word(self.text, &mut self.pos) else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Token filter folding each token: lowercase, no diacritics, `đ` → `d`, canonical
/// spelling ([`crate::fold::fold_word`]). Offsets are kept, so highlights point at the
/// original text.
#[derive(Clone)]
pub struct FoldFilter;

impl TokenFilter for FoldFilter {
    type Tokenizer<T: Tokenizer> = FoldTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FoldTokenizer<T> {
        FoldTokenizer {
            inner: tokenizer,
            buffer: String::new(),
        }
    }
}

#[derive(Clone)]
pub struct FoldTokenizer<T> {
    inner: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for FoldTokenizer<T> {
    type TokenStream<'a> = FoldTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.buffer.clear();
        FoldTokenStream {
            tail: self.inner.token_stream(text),
            buffer: &mut self.buffer,
        }
    }
}

pub struct FoldTokenStream<'a, T> {
    tail: T,
    buffer: &'a mut String,
}

impl<T: TokenStream> TokenStream for FoldTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            fold_word(&self.tail.token().text, self.buffer);
            if self.buffer.is_empty() {
                // Only combining marks: nothing to index.
                continue;
            }
            mem::swap(&mut self.tail.token_mut().text, self.buffer);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Token filter turning a stream of words into the stream of adjacent pairs `"a b"`, only
/// for words separated by white space (no pair across punctuation: "sinh, kết hôn").
#[derive(Clone)]
pub struct BigramFilter;

impl TokenFilter for BigramFilter {
    type Tokenizer<T: Tokenizer> = BigramTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> BigramTokenizer<T> {
        BigramTokenizer {
            inner: tokenizer,
            token: Token::default(),
        }
    }
}

#[derive(Clone)]
pub struct BigramTokenizer<T> {
    inner: T,
    token: Token,
}

impl<T: Tokenizer> Tokenizer for BigramTokenizer<T> {
    type TokenStream<'a> = BigramTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.token.reset();
        BigramTokenStream {
            text,
            tail: self.inner.token_stream(text),
            prev: None,
            token: &mut self.token,
        }
    }
}

pub struct BigramTokenStream<'a, T> {
    text: &'a str,
    tail: T,
    /// Previous word: folded text, start and end offsets.
    prev: Option<(String, usize, usize)>,
    token: &'a mut Token,
}

/// Whether two words at `[.., a_end)` and `[b_start, ..)` are separated only by white space.
pub(crate) fn adjacent(text: &str, a_end: usize, b_start: usize) -> bool {
    text.get(a_end..b_start)
        .is_some_and(|gap| gap.chars().all(char::is_whitespace))
}

impl<T: TokenStream> TokenStream for BigramTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let cur = self.tail.token();
            let next = (cur.text.clone(), cur.offset_from, cur.offset_to);
            let prev = self.prev.replace(next);
            if let Some((p, p_from, p_to)) = prev
                && adjacent(self.text, p_to, cur.offset_from)
            {
                self.token.text.clear();
                self.token.text.push_str(&p);
                self.token.text.push(' ');
                self.token.text.push_str(&cur.text);
                self.token.offset_from = p_from;
                self.token.offset_to = cur.offset_to;
                self.token.position = self.token.position.wrapping_add(1);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::analyze;

    fn tokens(mut a: TextAnalyzer, text: &str) -> Vec<(String, usize, usize)> {
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = s.next() {
            out.push((t.text.clone(), t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn unigram_matches_analyze() {
        let text = "Thủ tục Đăng ký khai sinh (cấp xã), lí lịch 53/2025/TT-BCA";
        let a: Vec<_> = analyze(text)
            .into_iter()
            .map(|w| (w.text, w.from, w.to))
            .collect();
        assert_eq!(tokens(unigram(), text), a);
        assert_eq!(a[2].0, "dang");
        assert_eq!(&text[a[2].1..a[2].2], "Đăng");
    }

    #[test]
    fn bigrams_stop_at_punctuation() {
        let text = "Đăng ký khai sinh, kết hôn";
        let b: Vec<String> = tokens(bigram(), text).into_iter().map(|t| t.0).collect();
        assert_eq!(b, ["dang ki", "ki khai", "khai sinh", "ket hon"]);
        let t = &tokens(bigram(), text)[2];
        assert_eq!(&text[t.1..t.2], "khai sinh");
    }
}
