//! The grammar's ids of the kinds and fields the parser builds, resolved by name once.

use std::sync::OnceLock;

use tree_sitter::Language;

/// Resolves kind ids: each symbol's id in the grammar, by name.
macro_rules! symbols {
    ($name:ident, $named:expr, { $($field:ident = $text:literal),* $(,)? }) => {
        pub(super) struct $name {
            $(pub(super) $field: u16,)*
        }

        impl $name {
            fn resolve(language: &Language) -> Option<$name> {
                Some($name {
                    $($field: Some(language.id_for_node_kind($text, $named))
                        .filter(|id| *id != 0)?,)*
                })
            }
        }
    };
}

symbols!(Named, true, {
    infrastructure = "infrastructure",
    comment = "comment",
    diagnostic_comment = "diagnostic_comment",
    decorators = "decorators",
    decorator = "decorator",
    parameter_declaration = "parameter_declaration",
    variable_declaration = "variable_declaration",
    output_declaration = "output_declaration",
    resource_declaration = "resource_declaration",
    module_declaration = "module_declaration",
    target_scope_assignment = "target_scope_assignment",
    metadata_declaration = "metadata_declaration",
    using_statement = "using_statement",
    type_ = "type",
    primitive_type = "primitive_type",
    array_type = "array_type",
    identifier = "identifier",
    property_identifier = "property_identifier",
    loop_variable = "loop_variable",
    loop_enumerator = "loop_enumerator",
    string = "string",
    string_content = "string_content",
    interpolation = "interpolation",
    escape_sequence = "escape_sequence",
    number = "number",
    boolean = "boolean",
    null = "null",
    object = "object",
    object_property = "object_property",
    array = "array",
    for_statement = "for_statement",
    for_loop_parameters = "for_loop_parameters",
    if_statement = "if_statement",
    parenthesized_expression = "parenthesized_expression",
    arguments = "arguments",
    call_expression = "call_expression",
    member_expression = "member_expression",
    subscript_expression = "subscript_expression",
    resource_expression = "resource_expression",
    unary_expression = "unary_expression",
    binary_expression = "binary_expression",
    ternary_expression = "ternary_expression",
    lambda_expression = "lambda_expression",
});

symbols!(Anonymous, false, {
    k_param = "param",
    k_var = "var",
    k_output = "output",
    k_resource = "resource",
    k_module = "module",
    k_target_scope = "targetScope",
    k_metadata = "metadata",
    k_using = "using",
    k_existing = "existing",
    k_for = "for",
    k_in = "in",
    k_if = "if",
    k_true = "true",
    k_false = "false",
    t_array = "array",
    t_bool = "bool",
    t_int = "int",
    t_object = "object",
    t_secure_object = "secureObject",
    t_secure_string = "secureString",
    t_string = "string",
    quote = "'",
    triple_quote = "'''",
    interpolation_start = "${",
    assign = "=",
    colon = ":",
    comma = ",",
    dot = ".",
    safe_dot = ".?",
    double_colon = "::",
    question = "?",
    coalesce = "??",
    l_paren = "(",
    r_paren = ")",
    l_bracket = "[",
    r_bracket = "]",
    l_brace = "{",
    r_brace = "}",
    at = "@",
    arrow = "=>",
    bang = "!",
    minus = "-",
    plus = "+",
    star = "*",
    slash = "/",
    percent = "%",
    or = "||",
    and = "&&",
    eq = "==",
    ne = "!=",
    match_ = "=~",
    not_match = "!~",
    gt = ">",
    ge = ">=",
    lt = "<",
    le = "<=",
});

pub(super) struct Fields {
    pub(super) function: u16,
    pub(super) arguments: u16,
    pub(super) object: u16,
    pub(super) property: u16,
    pub(super) index: u16,
    pub(super) resource: u16,
    pub(super) operator: u16,
    pub(super) argument: u16,
    pub(super) left: u16,
    pub(super) right: u16,
    pub(super) condition: u16,
    pub(super) consequence: u16,
    pub(super) alternative: u16,
    pub(super) initializer: u16,
    pub(super) body: u16,
}

impl Fields {
    fn resolve(language: &Language) -> Option<Fields> {
        let id = |name: &str| language.field_id_for_name(name).map(|f| f.get());
        Some(Fields {
            function: id("function")?,
            arguments: id("arguments")?,
            object: id("object")?,
            property: id("property")?,
            index: id("index")?,
            resource: id("resource")?,
            operator: id("operator")?,
            argument: id("argument")?,
            left: id("left")?,
            right: id("right")?,
            condition: id("condition")?,
            consequence: id("consequence")?,
            alternative: id("alternative")?,
            initializer: id("initializer")?,
            body: id("body")?,
        })
    }
}

pub(super) struct Symbols {
    pub(super) named: Named,
    pub(super) anon: Anonymous,
    pub(super) fields: Fields,
}

/// The grammar's ids, or `None` when a symbol is missing (another grammar release; the unit
/// tests fail then, and every file goes to tree-sitter meanwhile).
pub(super) fn symbols() -> Option<&'static Symbols> {
    static SYMBOLS: OnceLock<Option<Symbols>> = OnceLock::new();
    SYMBOLS
        .get_or_init(|| {
            let language = super::super::grammar::language();
            Some(Symbols {
                named: Named::resolve(&language)?,
                anon: Anonymous::resolve(&language)?,
                fields: Fields::resolve(&language)?,
            })
        })
        .as_ref()
}

impl Anonymous {
    /// The id of an operator or punctuation token.
    pub(super) fn op(&self, text: &str) -> Option<u16> {
        Some(match text {
            "=" => self.assign,
            ":" => self.colon,
            "," => self.comma,
            "." => self.dot,
            ".?" => self.safe_dot,
            "::" => self.double_colon,
            "?" => self.question,
            "??" => self.coalesce,
            "(" => self.l_paren,
            ")" => self.r_paren,
            "[" => self.l_bracket,
            "]" => self.r_bracket,
            "{" => self.l_brace,
            "}" => self.r_brace,
            "@" => self.at,
            "=>" => self.arrow,
            "!" => self.bang,
            "-" => self.minus,
            "+" => self.plus,
            "*" => self.star,
            "/" => self.slash,
            "%" => self.percent,
            "||" => self.or,
            "&&" => self.and,
            "==" => self.eq,
            "!=" => self.ne,
            "=~" => self.match_,
            "!~" => self.not_match,
            ">" => self.gt,
            ">=" => self.ge,
            "<" => self.lt,
            "<=" => self.le,
            _ => return None,
        })
    }

    /// The id of a primitive type's keyword.
    pub(super) fn primitive(&self, word: &str) -> Option<u16> {
        Some(match word {
            "array" => self.t_array,
            "bool" => self.t_bool,
            "int" => self.t_int,
            "object" => self.t_object,
            "secureObject" => self.t_secure_object,
            "secureString" => self.t_secure_string,
            "string" => self.t_string,
            _ => return None,
        })
    }
}
