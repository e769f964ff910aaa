//! Support for the srls fuzz targets: the checks (shared with `tests/fuzz_props.rs`) and the
//! structured inputs the targets decode with `arbitrary`.

pub mod checks;
pub mod input;
