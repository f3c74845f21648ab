"""Rule text ▸ tokens. Refuses comments, semicolons, quoted identifiers and SQL keywords."""

from __future__ import annotations

from fupin.rules.language.errors import ErrorCode, RuleError, _
from fupin.rules.language.syntax import Token, TokenKind

MAX_RULE_LENGTH = 10_000

KEYWORDS = frozenset({"AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "TRUE", "FALSE", "DATE"})

# Words of SQL statements and clauses: a rule is one expression, never a statement.
SQL_KEYWORDS = frozenset(
    {
        "SELECT", "FROM", "WHERE", "UNION", "INTERSECT", "EXCEPT", "INSERT", "UPDATE",
        "DELETE", "MERGE", "DROP", "CREATE", "ALTER", "TRUNCATE", "GRANT", "REVOKE", "EXEC",
        "EXECUTE", "CALL", "COPY", "ATTACH", "DETACH", "PRAGMA", "INSTALL", "LOAD", "SET",
        "RESET", "JOIN", "ON", "USING", "WITH", "INTO", "VALUES", "TABLE", "GROUP", "ORDER",
        "HAVING", "LIMIT", "OFFSET", "AS", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST",
        "LIKE", "ILIKE", "SIMILAR", "ALL", "ANY", "SOME", "DISTINCT", "OVER",
        "BEGIN", "COMMIT", "ROLLBACK", "DECLARE", "SHOW", "DESCRIBE", "EXPLAIN", "ANALYZE",
        "VACUUM", "CHECKPOINT", "EXPORT", "IMPORT", "USE", "LATERAL",
    }
)  # fmt: skip

OPERATORS = ("=>", "<=", ">=", "!=", "<>", "=", "<", ">", "+", "-", "*", "/", "(", ")", ",", ".")


class Lexer:
    """Splits a rule text into tokens, tracking 1-based line and column."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.column = 1

    def tokens(self) -> list[Token]:
        if len(self.text) > MAX_RULE_LENGTH:
            raise RuleError(
                ErrorCode.TOO_LONG,
                _("A rule may have at most %(limit)s characters."),
                1,
                1,
                limit=MAX_RULE_LENGTH,
            )
        result: list[Token] = []
        while (token := self._next(previous=result[-1] if result else None)) is not None:
            result.append(token)
        result.append(Token(TokenKind.END, "", self.line, self.column))
        return result

    def _next(self, *, previous: Token | None) -> Token | None:
        self._skip_space()
        if self.pos >= len(self.text):
            return None
        char = self.text[self.pos]
        if char.isascii() and (char.isalpha() or char == "_"):
            return self._word(previous)
        if char.isascii() and char.isdigit():
            return self._number()
        if char == "'":
            return self._string()
        self._refuse_smuggling()
        for symbol in OPERATORS:
            if self.text.startswith(symbol, self.pos):
                return self._take(TokenKind.OPERATOR, len(symbol))
        raise self._error(
            ErrorCode.UNEXPECTED_CHARACTER,
            _("Unexpected character %(char)r."),
            char=char,
        )

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self._advance(1)

    def _refuse_smuggling(self) -> None:
        rest = self.text[self.pos :]
        if rest.startswith(("--", "/*", "#", "*/")):
            raise self._error(
                ErrorCode.COMMENT_NOT_ALLOWED,
                _("Comments are not allowed in a rule; describe the rule in its explanation."),
            )
        if rest.startswith(";"):
            raise self._error(
                ErrorCode.MULTIPLE_STATEMENTS,
                _("A rule is one condition; a semicolon is not allowed."),
            )
        if rest.startswith(('"', "`", "[")):
            raise self._error(
                ErrorCode.QUOTED_IDENTIFIER,
                _("Quoted names are not allowed; write fields as subject.field."),
            )

    def _word(self, previous: Token | None) -> Token:
        end = self.pos
        while end < len(self.text) and _is_word_char(self.text[end]):
            end += 1
        word = self.text[self.pos : end]
        upper = word.upper()
        after_dot = previous is not None and previous.is_operator(".")
        if upper in KEYWORDS and not after_dot:
            token = Token(TokenKind.KEYWORD, upper, self.line, self.column)
            self._advance(end - self.pos)
            return token
        if upper in SQL_KEYWORDS and not after_dot:
            raise self._error(
                ErrorCode.SQL_KEYWORD,
                _("%(word)s is SQL, not part of the rule language."),
                word=upper,
            )
        return self._take(TokenKind.NAME, end - self.pos)

    def _number(self) -> Token:
        end = self.pos
        while end < len(self.text) and self.text[end].isascii() and self.text[end].isdigit():
            end += 1
        if end + 1 < len(self.text) and self.text[end] == "." and self.text[end + 1].isdigit():
            end += 1
            while end < len(self.text) and self.text[end].isascii() and self.text[end].isdigit():
                end += 1
        if end < len(self.text) and _is_word_char(self.text[end]):
            raise self._error(ErrorCode.SYNTAX_ERROR, _("A number is followed by letters."))
        return self._take(TokenKind.NUMBER, end - self.pos)

    def _string(self) -> Token:
        line, column = self.line, self.column
        index = self.pos + 1
        chars: list[str] = []
        while index < len(self.text):
            char = self.text[index]
            if char == "'" and self.text.startswith("''", index):
                chars.append("'")
                index += 2
                continue
            if char == "'":
                self._advance(index + 1 - self.pos)
                return Token(TokenKind.STRING, "".join(chars), line, column)
            chars.append(char)
            index += 1
        raise self._error(ErrorCode.UNTERMINATED_STRING, _("A text value is missing its '."))

    def _take(self, kind: TokenKind, length: int) -> Token:
        token = Token(kind, self.text[self.pos : self.pos + length], self.line, self.column)
        self._advance(length)
        return token

    def _advance(self, count: int) -> None:
        for char in self.text[self.pos : self.pos + count]:
            if char == "\n":
                self.line += 1
                self.column = 1
            else:
                self.column += 1
        self.pos += count

    def _error(self, code: ErrorCode, msgid: str, **params: object) -> RuleError:
        return RuleError(code, msgid, self.line, self.column, **params)


def _is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def tokenize(text: str) -> list[Token]:
    return Lexer(text).tokens()
