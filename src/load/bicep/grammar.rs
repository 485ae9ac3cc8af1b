//! The Bicep grammar, without its external scanner's futile scans in error-recovery lexing.
//!
//! tree-sitter-bicep 1.1.0's external scanner recognises two tokens: the `*` of a wildcard
//! import and the content of a multi-line string (`'''…'''`). When tree-sitter's lexer finds no
//! token valid in the current parse state, it lexes again in error-recovery mode, where every
//! external token is valid. The grammar's lexer ends up there after every `a.b` member access
//! of a valid file, and the scanner then looks for the end of a multi-line string up to the
//! next `'''` or the end of the file: one scan of the rest of the file per member access, a
//! cost quadratic in the file's length (~15 % of the CPU of a Bicep scan, 30 % of the
//! instructions on the corpus' larger templates; see `docs/performance.md`).
//!
//! A multi-line string's content ends at a `'''` (three quotes), and the scan returns nothing
//! when it reaches the end of the file first. So in a file without `'''` every such scan is
//! wasted: it can only fail. [`parse`] notes whether the text has three quotes in a row; when
//! it has none, the scanner is handed the wildcard `*` alone in error-recovery mode (the only
//! lex mode in which both external tokens are valid: lex state 0 of the grammar's table).
//! Everything else reaches the scanner as before, so every tree is the one the published
//! grammar builds, broken input included (the unit tests compare them); in the corpus, 112 of
//! 2,349 files have multi-line strings.
//!
//! This needs a copy of the grammar's `TSLanguage` with another `scan` function. Its layout is
//! that of tree-sitter's ABI 14 (`tree_sitter/parser.h`, which the grammar's generated
//! `parser.c` was built with). Before the copy is used, every field that can be checked is
//! compared with what tree-sitter and the linked scanner report: the ABI version, the symbol,
//! field, state and external-token counts, and the five scanner functions' addresses. If any
//! differs (another grammar release), the grammar is used unchanged, and a unit test fails so
//! that the change is noticed.

use std::cell::Cell;
use std::ffi::c_void;
use std::sync::OnceLock;

use tree_sitter::{Language, Parser, Tree};

/// `TSLanguage` of tree-sitter's ABI 14, field for field (`tree_sitter/parser.h`).
#[repr(C)]
#[derive(Clone, Copy)]
struct RawLanguage {
    version: u32,
    symbol_count: u32,
    alias_count: u32,
    token_count: u32,
    external_token_count: u32,
    state_count: u32,
    large_state_count: u32,
    production_id_count: u32,
    field_count: u32,
    max_alias_sequence_length: u16,
    parse_table: *const c_void,
    small_parse_table: *const c_void,
    small_parse_table_map: *const c_void,
    parse_actions: *const c_void,
    symbol_names: *const c_void,
    field_names: *const c_void,
    field_map_slices: *const c_void,
    field_map_entries: *const c_void,
    symbol_metadata: *const c_void,
    public_symbol_map: *const c_void,
    alias_map: *const c_void,
    alias_sequences: *const c_void,
    lex_modes: *const c_void,
    lex_fn: *const c_void,
    keyword_lex_fn: *const c_void,
    keyword_capture_token: u16,
    external_scanner: RawExternalScanner,
    primary_state_ids: *const c_void,
}

// SAFETY: never written after it is built; every pointer is to the grammar's static, read-only
// tables and functions, which tree-sitter reads from any thread.
unsafe impl Sync for RawLanguage {}

type ScanFn = unsafe extern "C" fn(*mut c_void, *mut c_void, *const bool) -> bool;

#[repr(C)]
#[derive(Clone, Copy)]
struct RawExternalScanner {
    states: *const bool,
    symbol_map: *const u16,
    create: *const c_void,
    destroy: *const c_void,
    scan: *const c_void,
    serialize: *const c_void,
    deserialize: *const c_void,
}

unsafe extern "C" {
    fn tree_sitter_bicep_external_scanner_create() -> *mut c_void;
    fn tree_sitter_bicep_external_scanner_destroy(payload: *mut c_void);
    fn tree_sitter_bicep_external_scanner_scan(
        payload: *mut c_void,
        lexer: *mut c_void,
        valid_symbols: *const bool,
    ) -> bool;
    fn tree_sitter_bicep_external_scanner_serialize(payload: *mut c_void, buffer: *mut u8) -> u32;
    fn tree_sitter_bicep_external_scanner_deserialize(
        payload: *mut c_void,
        buffer: *const u8,
        length: u32,
    );
}

/// The grammar's external tokens, in the order of its scanner's `valid_symbols`.
const EXTERNAL_TOKENS: usize = 2;
const EXTERNAL_ASTERISK: usize = 0;

thread_local! {
    /// Whether the text this thread parses may hold a multi-line string (`true` unless
    /// [`parse`] found no three quotes in a row).
    static MAY_HOLD_MULTILINE: Cell<bool> = const { Cell::new(true) };
}

/// The grammar's scanner, without the multi-line string scan in error recovery when the text
/// has no multi-line string for it to find.
unsafe extern "C" fn scan(
    payload: *mut c_void,
    lexer: *mut c_void,
    valid_symbols: *const bool,
) -> bool {
    // SAFETY: tree-sitter passes an array of `external_token_count` (checked: 2) flags.
    let valid = unsafe { std::slice::from_raw_parts(valid_symbols, EXTERNAL_TOKENS) };
    if valid.iter().all(|v| *v) && !MAY_HOLD_MULTILINE.get() {
        let mut only_asterisk = [false; EXTERNAL_TOKENS];
        only_asterisk[EXTERNAL_ASTERISK] = true;
        // SAFETY: the grammar's own scanner, with the payload and lexer tree-sitter handed us.
        unsafe { tree_sitter_bicep_external_scanner_scan(payload, lexer, only_asterisk.as_ptr()) }
    } else {
        // SAFETY: as above, with tree-sitter's own flags.
        unsafe { tree_sitter_bicep_external_scanner_scan(payload, lexer, valid_symbols) }
    }
}

/// The address of the patched copy, once it passed its checks (`None`: use the grammar as is).
fn patched() -> Option<&'static RawLanguage> {
    static PATCHED: OnceLock<Option<&'static RawLanguage>> = OnceLock::new();
    *PATCHED.get_or_init(|| {
        let original = Language::new(tree_sitter_bicep::LANGUAGE);
        // SAFETY: the grammar returns a pointer to its static `TSLanguage`; reading it as ABI 14
        // is only trusted after the checks below, which compare fields at both ends of it.
        let raw = unsafe { *tree_sitter_bicep::LANGUAGE.into_raw()().cast::<RawLanguage>() };
        let scanner = raw.external_scanner;
        let fits = raw.version == 14
            && raw
                .symbol_count
                .checked_add(raw.alias_count)
                .map(usize::try_from)
                == Some(Ok(original.node_kind_count()))
            && usize::try_from(raw.field_count).ok() == Some(original.field_count())
            && usize::try_from(raw.state_count).ok() == Some(original.parse_state_count())
            && usize::try_from(raw.external_token_count).ok() == Some(EXTERNAL_TOKENS)
            && scanner.create == tree_sitter_bicep_external_scanner_create as *const c_void
            && scanner.destroy == tree_sitter_bicep_external_scanner_destroy as *const c_void
            && scanner.scan == tree_sitter_bicep_external_scanner_scan as *const c_void
            && scanner.serialize == tree_sitter_bicep_external_scanner_serialize as *const c_void
            && scanner.deserialize
                == tree_sitter_bicep_external_scanner_deserialize as *const c_void;
        fits.then(|| {
            let mut copy = raw;
            copy.external_scanner.scan = scan as ScanFn as *const c_void;
            &*Box::leak(Box::new(copy))
        })
    })
}

/// Parses `text` with a parser set to [`language`].
pub fn parse(parser: &mut Parser, text: &str) -> Option<Tree> {
    MAY_HOLD_MULTILINE.set(text.contains("'''"));
    let tree = parser.parse(text, None);
    MAY_HOLD_MULTILINE.set(true);
    tree
}

/// The Bicep grammar for a parser: the patched copy if its checks passed, else the grammar as
/// published.
pub fn language() -> Language {
    match patched() {
        // SAFETY: a checked copy of the grammar's `TSLanguage`, alive for the whole process.
        Some(raw) => unsafe { Language::from_raw(std::ptr::from_ref(raw).cast()) },
        None => Language::new(tree_sitter_bicep::LANGUAGE),
    }
}

/// Helpers for the Bicep loader's unit tests.
#[cfg(test)]
pub(super) mod testing {
    use super::*;

    /// `src` parsed as the loader parses it.
    pub fn parse(src: &str) -> Tree {
        let mut parser = Parser::new();
        parser.set_language(&language()).expect("the grammar loads");
        super::parse(&mut parser, src).expect("tree-sitter returns a tree")
    }

    /// Every node of a tree, in document order.
    pub fn all_nodes(tree: &Tree) -> Vec<tree_sitter::Node<'_>> {
        let mut out = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            out.push(node);
            let mut cursor = node.walk();
            let children: Vec<_> = node.children(&mut cursor).collect();
            stack.extend(children.into_iter().rev());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node of a tree as (kind, byte range, missing), in document order.
    fn nodes(tree: &Tree) -> Vec<(&'static str, std::ops::Range<usize>, bool)> {
        testing::all_nodes(tree)
            .into_iter()
            .map(|n| (n.kind(), n.byte_range(), n.is_missing()))
            .collect()
    }

    fn published(src: &str) -> Tree {
        let mut parser = Parser::new();
        parser
            .set_language(&Language::new(tree_sitter_bicep::LANGUAGE))
            .expect("the grammar loads");
        parser.parse(src, None).expect("tree-sitter returns a tree")
    }

    #[test]
    fn the_patch_applies_to_this_grammar_release() {
        // Fails when a new tree-sitter-bicep changes the layout or the scanner: then look
        // again at whether the scanner still scans the rest of the file in error recovery.
        assert!(patched().is_some());
        assert_eq!(
            language().node_kind_count(),
            Language::new(tree_sitter_bicep::LANGUAGE).node_kind_count()
        );
    }

    #[test]
    fn trees_are_the_published_grammars_on_valid_and_broken_input() {
        let valid = [
            "param p object\nvar a = p.b.c\noutput o string = a.d\n",
            "param p object\nvar a = p.b.c\nvar s = '''\nline 'one'\n''''\noutput o string = a.d\n",
            "import * as m from 'mod.bicep'\nvar x = m.y.z\n",
            "var a = {\n  b: [\n    1\n    2\n  ]\n  c: x.y[0].z\n}\nvar m = '''\ntwo\nlines'''\n",
            "resource r 'A/b@2020-01-01' = {\n  name: 'n'\n  properties: {\n    x: r.id\n    y: '''\nz'''\n  }\n}\n",
            "var q = ''''quoted''''\nvar u = a.b\nvar v = '''x'''\n",
        ];
        let broken = [
            "var broken = (1 +\nvar s = '''\ntext\n'''\nvar t = s.length\n",
            "var a = {\n  b: x.y\n  c: [\n}\nvar m = '''\nno end\n",
            "var a = {\n  b: x.y\n  c: [\n}\nvar m = 'no end\n",
            "resource r 'A/b@2020-01-01' = {\n  x: r.id.\n  y: '''z'''\n",
            "resource r 'A/b@2020-01-01' = {\n  x: r.id.\n  y: *\n",
            "param p string = ?\nvar u = p.q\n",
            "var x = a.b.\nvar y = [for i in range(0, 3): i.j\n",
        ];
        for (src, ok) in valid
            .iter()
            .map(|s| (s, true))
            .chain(broken.iter().map(|s| (s, false)))
        {
            let a = published(src);
            let b = testing::parse(src);
            assert_eq!(!a.root_node().has_error(), ok, "{src:?}");
            assert_eq!(nodes(&a), nodes(&b), "different trees for {src:?}");
        }
    }
}
