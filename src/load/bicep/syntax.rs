//! A Bicep file's syntax tree, copied out of tree-sitter's into flat arrays.
//!
//! tree-sitter's trees are built for editing: a node's children are found by walking a cursor
//! that sums the lengths of the siblings before them, and a field is found by comparing the
//! grammar's field names. A template is evaluated once per module call and per loop
//! iteration, so the same nodes are walked many times; on the corpus' Bicep part, cursor
//! walks were a fifth of the CPU. Here each node is one array entry with its kind, field,
//! flags, byte range and the index of its next sibling (its first child, if any, is the entry
//! after it), so every
//! step is an index. The tree-sitter tree is dropped once copied.
//!
//! [`Node`] has the methods of `tree_sitter::Node` that the loader uses, with the same
//! meaning (every node is kept, anonymous tokens and comments included).

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

/// No node (the end of a sibling list, no child).
pub(super) const NONE: u32 = u32::MAX;

pub(super) const NAMED: u8 = 1;
const ERROR: u8 = 2;
const MISSING: u8 = 4;
const HAS_ERROR: u8 = 8;
/// The node has children; the first is the next entry (entries are in document order).
pub(super) const HAS_CHILDREN: u8 = 16;

/// tree-sitter's kind id of `ERROR` nodes.
const ERROR_KIND: u16 = u16::MAX;

#[derive(Clone, Copy)]
pub(super) struct Entry {
    pub start: u32,
    pub end: u32,
    pub next_sibling: u32,
    pub kind: u16,
    /// The field this node fills in its parent (tree-sitter's field id; 0: none; the grammar
    /// has 17).
    pub field: u8,
    pub flags: u8,
}

/// A field id as stored (0 for one past `u8`, which no grammar release has had; a unit test
/// checks the count).
pub(super) fn field_id(field: u16) -> u8 {
    u8::try_from(field).unwrap_or(0)
}

/// One file's syntax tree.
pub struct SyntaxTree {
    entries: Vec<Entry>,
}

/// The grammar's node kinds and field names, by id.
struct Names {
    kinds: Vec<&'static str>,
    fields: Vec<&'static str>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let language = super::grammar::language();
        let kinds = (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .unwrap_or("")
            })
            .collect();
        // Field ids start at 1; index 0 stays empty.
        let fields = (0..=language.field_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.field_name_for_id(id))
                    .unwrap_or("")
            })
            .collect();
        Names { kinds, fields }
    })
}

/// The grammar's name of a kind id.
#[cfg(test)]
pub(super) fn kind_name(kind: u16) -> &'static str {
    names().kinds.get(usize::from(kind)).copied().unwrap_or("")
}

/// The grammar's name of a field id.
#[cfg(test)]
pub(super) fn field_name(field: u8) -> &'static str {
    names()
        .fields
        .get(usize::from(field))
        .copied()
        .unwrap_or("")
}

/// A byte offset as stored (files are bounded far below 4 GiB by the file size limit).
pub(super) fn offset(byte: usize) -> u32 {
    u32::try_from(byte).unwrap_or(u32::MAX)
}

impl SyntaxTree {
    /// Copies a tree-sitter tree, every node in document order.
    pub fn new(tree: &tree_sitter::Tree) -> SyntaxTree {
        // tree-sitter knows the count (the root included): no growth slack.
        let mut entries: Vec<Entry> = Vec::with_capacity(tree.root_node().descendant_count());
        let mut cursor = tree.walk();
        // Indices of the nodes from the root to the cursor's node.
        let mut path: Vec<u32> = Vec::new();
        let push = |entries: &mut Vec<Entry>, cursor: &tree_sitter::TreeCursor<'_>| {
            let node = cursor.node();
            let mut flags = 0;
            for (set, flag) in [
                (node.is_named(), NAMED),
                (node.is_error(), ERROR),
                (node.is_missing(), MISSING),
                (node.has_error(), HAS_ERROR),
            ] {
                if set {
                    flags |= flag;
                }
            }
            let index = offset(entries.len());
            entries.push(Entry {
                start: offset(node.start_byte()),
                end: offset(node.end_byte()),
                next_sibling: NONE,
                kind: node.kind_id(),
                field: cursor.field_id().map_or(0, |f| field_id(f.get())),
                flags,
            });
            index
        };
        path.push(push(&mut entries, &cursor));
        loop {
            // The next node in document order: the first child of the cursor's node, else the
            // next sibling of it or of its nearest ancestor that has one. `previous` is the
            // sibling before it (none for a first child).
            let (parent, previous) = if cursor.goto_first_child() {
                (path.last().copied().unwrap_or(NONE), None)
            } else {
                loop {
                    let Some(done) = path.pop() else {
                        return SyntaxTree { entries };
                    };
                    if cursor.goto_next_sibling() {
                        break (path.last().copied().unwrap_or(NONE), Some(done));
                    }
                    if !cursor.goto_parent() {
                        return SyntaxTree { entries };
                    }
                }
            };
            let index = push(&mut entries, &cursor);
            match previous {
                Some(sibling) => {
                    if let Some(e) = entries.get_mut(sibling as usize) {
                        e.next_sibling = index;
                    }
                }
                // A first child comes right after its parent in document order.
                None => {
                    if let Some(e) = entries.get_mut(parent as usize) {
                        e.flags |= HAS_CHILDREN;
                    }
                }
            }
            path.push(index);
        }
    }

    /// A tree built by [`super::parser`]: entries in document order, linked as tree-sitter's
    /// would be.
    pub(super) fn from_entries(entries: Vec<Entry>) -> SyntaxTree {
        SyntaxTree { entries }
    }

    #[cfg(test)]
    pub(super) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every node, in document order (the order they were copied in).
    #[cfg(test)]
    pub fn nodes(&self) -> impl Iterator<Item = Node<'_>> {
        (0..offset(self.entries.len())).map(|index| Node { tree: self, index })
    }

    pub fn root_node(&self) -> Node<'_> {
        Node {
            tree: self,
            index: 0,
        }
    }
}

/// A node of a [`SyntaxTree`].
#[derive(Clone, Copy)]
pub struct Node<'t> {
    tree: &'t SyntaxTree,
    index: u32,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index && std::ptr::eq(self.tree, other.tree)
    }
}

impl Eq for Node<'_> {}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.kind(), self.byte_range())
    }
}

impl<'t> Node<'t> {
    fn entry(&self) -> Entry {
        // Indices only ever come from the tree's own links.
        self.tree.entries[self.index as usize]
    }

    #[cfg(test)]
    pub(super) fn tree_entry(&self) -> Entry {
        self.entry()
    }

    /// The grammar's name of the node's kind (`ERROR` for a syntax error).
    pub fn kind(&self) -> &'static str {
        let kind = self.entry().kind;
        if kind == ERROR_KIND {
            return "ERROR";
        }
        names().kinds.get(usize::from(kind)).copied().unwrap_or("")
    }

    /// A number unique to the node within its tree.
    pub fn id(&self) -> usize {
        self.index as usize
    }

    pub fn is_named(&self) -> bool {
        self.entry().flags & NAMED != 0
    }

    pub fn is_error(&self) -> bool {
        self.entry().flags & ERROR != 0
    }

    pub fn is_missing(&self) -> bool {
        self.entry().flags & MISSING != 0
    }

    /// Whether the node is or contains a syntax error.
    pub fn has_error(&self) -> bool {
        self.entry().flags & HAS_ERROR != 0
    }

    pub fn start_byte(&self) -> usize {
        self.entry().start as usize
    }

    pub fn end_byte(&self) -> usize {
        self.entry().end as usize
    }

    pub fn byte_range(&self) -> Range<usize> {
        let e = self.entry();
        e.start as usize..e.end as usize
    }

    /// The node's children, anonymous tokens and comments included.
    pub fn children(&self) -> Children<'t> {
        Children {
            tree: self.tree,
            next: if self.entry().flags & HAS_CHILDREN != 0 {
                self.index + 1
            } else {
                NONE
            },
        }
    }

    /// The node's named children (comments included).
    pub fn named_children(&self) -> impl Iterator<Item = Node<'t>> + use<'t> {
        self.children().filter(Node::is_named)
    }

    /// The first child that fills the grammar's field `name`.
    pub fn child_by_field_name(&self, name: &str) -> Option<Node<'t>> {
        let fields = &names().fields;
        self.children().find(|c| {
            let field = c.entry().field;
            field != 0 && fields.get(usize::from(field)).is_some_and(|f| *f == name)
        })
    }
}

/// The children of a node, in order.
pub struct Children<'t> {
    tree: &'t SyntaxTree,
    next: u32,
}

impl<'t> Iterator for Children<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        if self.next == NONE {
            return None;
        }
        let node = Node {
            tree: self.tree,
            index: self.next,
        };
        self.next = node.entry().next_sibling;
        Some(node)
    }
}

#[cfg(test)]
mod tests {
    use super::super::grammar::testing;
    use super::*;

    /// The same tree, node for node, as tree-sitter's: kind, range, flags, children
    /// and the fields `child_by_field_name` finds.
    fn assert_same(src: &str) {
        let ts = testing::parse(src);
        let ours = SyntaxTree::new(&ts);
        let theirs = testing::all_nodes(&ts);
        let mut mine = Vec::new();
        let mut stack = vec![ours.root_node()];
        while let Some(n) = stack.pop() {
            mine.push(n);
            let children: Vec<_> = n.children().collect();
            stack.extend(children.into_iter().rev());
        }
        assert_eq!(mine, ours.nodes().collect::<Vec<_>>(), "{src:?}");
        assert_eq!(theirs.len(), mine.len(), "{src:?}");
        assert_eq!(ours.entries.len(), ours.entries.capacity(), "{src:?}");
        let field_names: Vec<&str> = names()
            .fields
            .iter()
            .copied()
            .filter(|f| !f.is_empty())
            .collect();
        assert!(field_names.contains(&"left"), "{field_names:?}");
        for (t, m) in theirs.iter().zip(&mine) {
            assert_eq!(t.kind(), m.kind(), "{src:?}");
            assert_eq!(t.byte_range(), m.byte_range());
            assert_eq!(t.is_named(), m.is_named());
            assert_eq!(t.is_error(), m.is_error());
            assert_eq!(t.is_missing(), m.is_missing());
            assert_eq!(t.has_error(), m.has_error());
            let mut c = t.walk();
            let theirs_children: Vec<_> = t
                .children(&mut c)
                .map(|n| (n.kind(), n.byte_range()))
                .collect();
            let mine_children: Vec<_> = m.children().map(|n| (n.kind(), n.byte_range())).collect();
            assert_eq!(theirs_children, mine_children, "{src:?}");
            let mut c = t.walk();
            assert_eq!(t.named_children(&mut c).count(), m.named_children().count());
            for field in &field_names {
                assert_eq!(
                    t.child_by_field_name(field)
                        .map(|n| (n.kind(), n.byte_range())),
                    m.child_by_field_name(field)
                        .map(|n| (n.kind(), n.byte_range())),
                    "field {field} of {} in {src:?}",
                    t.kind()
                );
            }
        }
    }

    #[test]
    fn copies_tree_sitters_tree_node_for_node() {
        assert_same(
            "@description('d')\nparam p string = 'x'\n\
             resource r 'A.B/c@2024-01-01' = if (p == 'x') {\n  name: p // note\n  \
             properties: { a: [1, 2], b: x.?y ?? null, '${p}k': !true, c: r.id, d: f(1)[0] }\n}\n\
             var l = [for (i, n) in range(0, 3): { v: i * n > 2 ? 'a' : 'b' }]\n\
             var m = map(l, e => e.v)\n\
             output o string = '''\nmulti\n'''\n",
        );
    }

    #[test]
    fn copies_broken_trees_with_their_error_and_missing_nodes() {
        assert_same("var broken = (1 +\nvar ok = a.b\n");
        assert_same("resource r 'A/b@1' = {\n  x: [\n}\nparam q int = ?\n");
        assert_same("");
    }
}
