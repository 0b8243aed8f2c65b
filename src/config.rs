//! Defaults a clerk sets once: the number format, the delimiter, the model registry and the
//! language, in a small settings file or in environment variables, so a ward office that always
//! exports `;` and `1.200.000` does not type `--number-format vi` on every run.
//!
//! Where they are looked for, first found wins per setting: the command-line flag; the
//! environment (`DANVAN_NUMBER_FORMAT`, `DANVAN_DELIMITER`, `DANVAN_MODELS`; `DANVAN_LANG` for the language);
//! the settings file (`$DANVAN_CONFIG`, else `$XDG_CONFIG_HOME/danvan/config.toml`, else
//! `~/.config/danvan/config.toml`, or `%APPDATA%\danvan\config.toml` on Windows). The file is a
//! small subset of TOML, `key = "value"` lines and `#` comments, read here without a parser
//! crate: four keys need no more. A mistake in it stops the run (exit 2) naming the file and line.

use crate::domain::Lang;
use crate::ledger::number::Convention;
use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};

/// The defaults found, each `None` when nothing sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub number_format: Option<Convention>,
    pub delimiter: Option<u8>,
    /// The model registry; a relative path in the file is relative to the file's folder.
    pub models: Option<PathBuf>,
    /// The language of tables and messages (`DANVAN_LANG` and `--lang` come before it, the
    /// locale after it: see `present::choose`).
    pub language: Option<Lang>,
}

/// The settings file's keys, as written in it.
const KEYS: &str = "number_format, delimiter, models, language";

impl Settings {
    /// The settings of this run: the environment over the settings file.
    pub fn load() -> Result<Settings> {
        let mut settings = match config_path() {
            Some((path, named)) if named || path.is_file() => Settings::read_file(&path)?,
            _ => Settings::default(),
        };
        let env = |name: &str| -> Result<Option<String>> {
            match std::env::var_os(name) {
                None => Ok(None),
                Some(v) => v
                    .into_string()
                    .map(Some)
                    .map_err(|_| anyhow!("{name} is not valid text")),
            }
        };
        if let Some(v) = env("DANVAN_NUMBER_FORMAT")?.filter(|v| !v.is_empty()) {
            settings.number_format =
                Some(number_format(&v).map_err(|e| anyhow!("DANVAN_NUMBER_FORMAT: {e}"))?);
        }
        if let Some(v) = env("DANVAN_DELIMITER")?.filter(|v| !v.is_empty()) {
            settings.delimiter = Some(delimiter(&v).map_err(|e| anyhow!("DANVAN_DELIMITER: {e}"))?);
        }
        // The name this setting had before `DANVAN_LANG`, kept so a clerk who set it keeps it.
        if let Some(v) = env("DANVAN_LANGUAGE")?.filter(|v| !v.is_empty()) {
            settings.language = Some(language(&v).map_err(|e| anyhow!("DANVAN_LANGUAGE: {e}"))?);
        }
        // Set but empty: no registry, whatever the file says.
        if let Some(v) = env("DANVAN_MODELS")? {
            settings.models = (!v.is_empty()).then(|| PathBuf::from(v));
        }
        Ok(settings)
    }

    /// Reads a settings file.
    pub fn read_file(path: &Path) -> Result<Settings> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the settings file", path.display()))?;
        let folder = path.parent().unwrap_or(Path::new(""));
        Settings::parse(&text, folder).map_err(|e| anyhow!("{}:{e:#}", path.display()))
    }

    /// Parses a settings file's text; errors start with the line number. Relative `models`
    /// paths are taken from `folder`.
    pub fn parse(text: &str, folder: &Path) -> Result<Settings> {
        let mut settings = Settings::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                bail!("{n}: cannot read {line:?}; write key = \"value\" ({KEYS})");
            };
            let key = key.trim();
            let value = string_value(value.trim()).map_err(|e| anyhow!("{n}: {key}: {e}"))?;
            let at = |e: String| anyhow!("{n}: {key} = {value:?}: {e}");
            match key {
                "number_format" => {
                    settings.number_format = Some(number_format(&value).map_err(at)?)
                }
                "delimiter" => settings.delimiter = Some(delimiter(&value).map_err(at)?),
                "language" => settings.language = Some(language(&value).map_err(at)?),
                "models" if value.is_empty() => settings.models = None,
                "models" => settings.models = Some(folder.join(&value)),
                other => bail!("{n}: unknown setting {other:?}; the settings are {KEYS}"),
            }
        }
        Ok(settings)
    }
}

/// The settings file to read, and whether it was named (`DANVAN_CONFIG`), so that its absence
/// is an error rather than "no settings".
fn config_path() -> Option<(PathBuf, bool)> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(path) = var("DANVAN_CONFIG") {
        return Some((path, true));
    }
    let base = var("XDG_CONFIG_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| {
            if cfg!(windows) {
                var("APPDATA")
            } else {
                var("HOME").map(|h| h.join(".config"))
            }
        })?;
    Some((base.join("danvan").join("config.toml"), false))
}

/// A value: `"text"` (with `\\` and `\"` escapes), `'text'` (as written), or bare text up to a
/// `#` comment.
fn string_value(value: &str) -> Result<String, String> {
    let unclosed = || "a quote is not closed".to_string();
    if let Some(rest) = value.strip_prefix('\'') {
        let end = rest.find('\'').ok_or_else(unclosed)?;
        return after_value(&rest[end + 1..]).map(|()| rest[..end].to_string());
    }
    if let Some(rest) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return after_value(&rest[i + 1..]).map(|()| out),
                '\\' => match chars.next() {
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, '"')) => out.push('"'),
                    Some((_, 't')) => out.push('\t'),
                    _ => {
                        return Err(
                            "a backslash in \"…\" must be doubled (or write the value in '…')"
                                .to_string(),
                        );
                    }
                },
                c => out.push(c),
            }
        }
        return Err(unclosed());
    }
    Ok(value.split('#').next().unwrap_or("").trim().to_string())
}

/// What may follow a quoted value: nothing, or a comment.
fn after_value(rest: &str) -> Result<(), String> {
    let rest = rest.trim();
    if rest.is_empty() || rest.starts_with('#') {
        Ok(())
    } else {
        Err(format!("unexpected {rest:?} after the value"))
    }
}

fn number_format(value: &str) -> Result<Convention, String> {
    match value.trim().to_lowercase().as_str() {
        "vi" => Ok(Convention::Vi),
        "en" => Ok(Convention::En),
        _ => Err("use vi or en".to_string()),
    }
}

fn delimiter(value: &str) -> Result<u8, String> {
    crate::cli::delimiter_named(value).ok_or_else(|| "use ',', ';', 'tab' or '|'".to_string())
}

fn language(value: &str) -> Result<Lang, String> {
    match value.trim().to_lowercase().as_str() {
        "en" => Ok(Lang::En),
        "vi" => Ok(Lang::Vi),
        _ => Err("use vi (tiếng Việt) or en (English)".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settings_file_reads_each_key_and_names_the_line_of_a_mistake() {
        let folder = Path::new("/office");
        let s = Settings::parse(
            "\u{feff}# ward office\nnumber_format = \"vi\"\ndelimiter = ';' # Excel\n\
             models = \"mo-hinh.csv\"\nlanguage = vi\n",
            folder,
        )
        .unwrap();
        assert_eq!(
            s,
            Settings {
                number_format: Some(Convention::Vi),
                delimiter: Some(b';'),
                models: Some(PathBuf::from("/office/mo-hinh.csv")),
                language: Some(Lang::Vi),
            }
        );
        let tab = Settings::parse("delimiter = \"tab\"\nmodels = 'C:\\so\\m.csv'\n", folder);
        assert_eq!(tab.as_ref().unwrap().delimiter, Some(b'\t'));
        assert!(tab.unwrap().models.unwrap().ends_with("C:\\so\\m.csv"));
        let err = |text: &str| format!("{:#}", Settings::parse(text, folder).unwrap_err());
        assert_eq!(
            err("\nnumber_format = \"vn\""),
            "2: number_format = \"vn\": use vi or en"
        );
        assert_eq!(
            err("threads = 2"),
            "1: unknown setting \"threads\"; the settings are number_format, delimiter, models, \
             language"
        );
        assert_eq!(
            err("[danvan]"),
            "1: cannot read \"[danvan]\"; write key = \"value\" (number_format, delimiter, \
             models, language)"
        );
        assert_eq!(
            err("delimiter = \";"),
            "1: delimiter: a quote is not closed"
        );
    }
}
