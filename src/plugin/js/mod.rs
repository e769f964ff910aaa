//! JavaScript's semantics where the plugin's behaviour depends on them: string functions and
//! white space (`text`), number parsing, rounding and printing (`number`), moment.js dates (`date`).
pub mod date;
pub mod number;
pub mod text;
