// Lexer of the loket rule language. The reference is docs/language.md.
// Comments and white space go to the hidden channel so a formatter can keep them later.
lexer grammar LoketLexer;

// Keywords. Keep this list in step with docs/language.md ("Reserved words").
LAYER      : 'layer';
UNDER      : 'under';
CODE       : 'code';
ENUM       : 'enum';
AUTHORITY  : 'authority';
DOMAIN     : 'domain';
FACT       : 'fact';
PARAM      : 'param';
LET        : 'let';
ASSUME     : 'assume';
DECISION   : 'decision';
RULE       : 'rule';
NOTE       : 'note';
VALID      : 'valid';
FROM       : 'from';
UNTIL      : 'until';
EXCEPTION  : 'exception';
TO         : 'to';
WHEN       : 'when';
THEN       : 'then';
ELSE       : 'else';
IF         : 'if';
DEFAULT    : 'default';
COLLECT    : 'collect';
DELEGATED  : 'delegated';
WITHIN     : 'within';
FAVOURS    : 'favours';
CLOSED     : 'closed';
OWNED      : 'owned';
BY         : 'by';
OPTIONAL   : 'optional';
PROTECTED  : 'protected';
SET        : 'set';
OF         : 'of';
IN         : 'in';
NOT        : 'not';
AND        : 'and';
OR         : 'or';
IMPLIES    : 'implies';
TRUE       : 'true';
FALSE      : 'false';
KNOWN      : 'known';
LAW        : 'law';
APPLIES    : 'applies';

// Duration units: `3 years`, `10 weeks`, `5 days`, `6 months`.
UNIT       : 'day' | 'days' | 'week' | 'weeks' | 'month' | 'months' | 'year' | 'years';

// Literals. DATE comes before INT so 2024-01-01 is one token.
DATE       : DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT;
// Money: €250, €1.234,56, € 50, 1234.56 EUR, 250 EUR. The token takes any digits joined by
// single dots or commas, so a misplaced separator (€1234.567) is one malformed amount that
// src/syntax reports as such (L107) rather than a confusing syntax error.
MONEY      : '\u20AC' [ ]? MONEY_DIGITS
           | MONEY_DIGITS [ ]+ 'EUR'
           ;
INT        : DIGIT+;
STRING     : '"' ( ~["\\\r\n] | '\\' . )* '"';

ID         : [a-zA-Z_] [a-zA-Z_0-9]*;

// Punctuation and operators.
DOTDOT     : '..';
DOT        : '.';
COMMA      : ',';
COLON      : ':';
SEMI       : ';';
LBRACK     : '[';
RBRACK     : ']';
LBRACE     : '{';
RBRACE     : '}';
LPAREN     : '(';
RPAREN     : ')';
PLUSEQ     : '+=';
EQEQ       : '==';
NEQ        : '!=';
LE         : '<=';
GE         : '>=';
LT         : '<';
GT         : '>';
ASSIGN     : '=';
PLUS       : '+';
MINUS      : '-';
STAR       : '*';
SLASH      : '/';

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
WS            : [ \t\r\n]+ -> channel(HIDDEN);

// Anything else is one bad character; the parser reports it with its position.
BAD_CHAR   : . ;

fragment DIGIT : [0-9];
// 1.234,56 / 1234,56 / 1234 / 1,234.56
fragment MONEY_DIGITS : DIGIT+ ([.,] DIGIT+)*;
