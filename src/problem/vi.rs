//! The Vietnamese catalogue (tiếng Việt): every kind of problem and warning, every message of
//! the commands and every typed failure in words, with the same `match`es as `en.rs`. A
//! translator fixes wording here and nowhere else; a test fails when a message exists in one
//! language only.

use super::en::{day, quoted, quoted_list};
use super::kind::{Input, Kind, Sameness, Whose};
use super::message::{Failure, Message};
use crate::domain::measure::vietnamese_name;
use crate::domain::{Dim, Lang, YEARS};
use crate::ledger::Col;
use crate::ledger::date::DateError;
use crate::ledger::dialect::HeaderError;
use crate::ledger::number::{NumberError, Reading};
use crate::ledger::registry::RegCol;
use crate::ledger::results::ResultCol;
use crate::ledger::source::Workbook;
use rust_decimal::Decimal;

/// The Vietnamese text of `kind`.
pub fn message(kind: &Kind) -> String {
    match kind {
        Kind::UnclosedQuote => "có dấu ngoặc kép mở trong bản ghi này mà không đóng, nên mọi \
                                dòng sau nó bị đọc thành một ô; hãy đóng dấu ngoặc kép"
            .to_string(),
        Kind::FieldCount { found, expected } => {
            format!("có {found} ô nhưng dòng tiêu đề có {expected}")
        }
        Kind::TotalsRow { word } => {
            format!(
                "dòng tổng gõ tay ({}): hãy xóa đi, danvan tự cộng các dòng",
                quoted(word)
            )
        }
        Kind::DuplicateRow { file, line } => match file {
            None => format!("giống hệt dòng {line}: dòng bị trùng?"),
            Some(file) => format!("giống hệt {file}:{line}: dòng bị trùng?"),
        },
        Kind::Date(e) => date_error(e),
        Kind::Amount(e) => number_error(e),
        Kind::TwoWays { text, reading } => match reading {
            Reading::Ambiguous { vi, en } => format!(
                "{} đọc được hai cách: {} (vi: '.' tách hàng nghìn, ',' là dấu thập phân) \
                 hoặc {} (en: ',' tách hàng nghìn, '.' là dấu thập phân) và trong tệp không có \
                 gì để quyết định; hãy dùng --number-format vi hoặc en",
                quoted(text),
                number(*vi),
                number(*en)
            ),
            Reading::Exact { value, .. } => {
                format!("{} đọc là {}", quoted(text), number(*value))
            }
        },
        Kind::FloatArtifact { text, meant } => format!(
            "{} giống số lẻ do bảng tính làm tròn số thực để lại; có lẽ ý là {} (danvan vẫn \
             tính đúng như đã ghi)",
            quoted(text),
            number(*meant)
        ),
        Kind::CurrencyNotMeasure { text, measure } => {
            format!(
                "{} có ký hiệu tiền tệ nhưng đơn vị tính là {}",
                quoted(text),
                quoted(vietnamese_name(measure))
            )
        }
        Kind::UnknownModel { id } => {
            format!("mô hình {} không có trong danh sách mô hình", quoted(id))
        }
        Kind::DiffersFromModel {
            value,
            model,
            column,
            theirs,
        } => format!(
            "{} khác với {} {} của mô hình {model}",
            quoted(value),
            ledger_column(*column),
            quoted(theirs)
        ),
        Kind::EmptyFile => "tệp trống".to_string(),
        Kind::UnknownColumns { shown, more } => {
            let names: Vec<String> = shown.iter().map(|n| quoted(n)).collect();
            let tail = if *more > 0 {
                format!(" và {more} cột nữa")
            } else {
                String::new()
            };
            format!("không nhận ra cột, bỏ qua: {}{tail}", names.join(", "))
        }
        Kind::MixedConventions { vi, en } => format!(
            "số được viết theo cả hai cách: {vi} số như 1.200.000 hoặc 106,8 (vi), {en} số như \
             1,200,000 hoặc 106.8 (en); mỗi số chỉ đọc được một cách, nhưng hãy kiểm tra lại tệp"
        ),
        Kind::SerialAmongDates { text, date } => format!(
            "{} là số ngày kiểu Excel ({}), nhưng các dòng khác của tệp ghi ngày bằng chữ; hãy \
             ghi cả ngày này như vậy",
            quoted(text),
            day(*date)
        ),
        Kind::OwnUnitInScaledColumn { text, unit } => format!(
            "{} có đơn vị riêng, nhưng tiêu đề đã nói số tiền tính bằng {unit}; chỉ ghi số",
            quoted(text)
        ),
        Kind::ScaledNotMoney { measure, unit } => format!(
            "tiêu đề nói số tiền tính bằng {unit}, nhưng dòng này tính {}; hãy để tiền và các \
             đơn vị tính khác ở cột hoặc tệp riêng",
            quoted(vietnamese_name(measure))
        ),
        Kind::HeaderBelowTop { skipped } => format!(
            "dòng tiêu đề ở dòng này; {skipped} dòng phía trên (tiêu đề và dòng trống) được bỏ \
             qua (dùng --header-row N nếu tiêu đề ở dòng khác)"
        ),
        Kind::HeaderRowPastEnd { row, lines } => {
            format!("--header-row {row}: tệp chỉ có {lines} dòng")
        }
        Kind::HeaderRowEmpty { row } => format!("--header-row {row}: dòng đó trống"),
        Kind::UnknownHeaderUnit { unit } => format!(
            "danvan không biết đơn vị {} ở tiêu đề này, nên không đọc đúng được số tiền; hãy \
             dùng đồng, nghìn đồng, triệu đồng hoặc tỷ đồng (hoặc một đơn vị tính như ngày công, \
             m2), hoặc ghi số tiền bằng đồng và bỏ đơn vị đi",
            quoted(unit)
        ),
        Kind::Workbook(book) => workbook(*book),
        Kind::ReadAsUtf8 { asked } => format!(
            "tệp này là UTF-8, không phải {asked}: đã đọc theo UTF-8 (--encoding chỉ dùng cho \
             tệp không phải UTF-8)"
        ),
        Kind::SerialDates {
            rows,
            example,
            date,
        } => format!(
            "mọi ngày đều là số ngày kiểu Excel ({rows} dòng), đã đọc thành ngày: {} là {}",
            quoted(example),
            day(*date)
        ),
        Kind::SameInput { first, same, input } => {
            let input = match input {
                Input::Ledger => "sổ",
                Input::Summary => "bảng tổng hợp",
            };
            format!(
                "cùng {input} với {first} ({}); cộng hai lần sẽ tính hai lần. Dùng \
                 --allow-duplicates nếu thật sự muốn vậy",
                sameness(*same)
            )
        }
        Kind::SameInputAllowed { first, same } => format!(
            "{} với {first}, có --allow-duplicates: mọi dòng của nó được tính thêm lần nữa, và \
             không liệt kê từng dòng là trùng với {first}",
            sameness(*same)
        ),
        Kind::NotAPeriod { dim: d, text } => format!(
            "không đọc được {} thành {}; hãy ghi {}",
            quoted(text),
            dim(*d),
            match d {
                Dim::Year => "năm bốn chữ số: 2024",
                Dim::Quarter => "2024-Q3 (hoặc Q3/2024)",
                _ => "2024-03 (hoặc 03/2024, Mar-24)",
            }
        ),
        Kind::EmptyAmid {
            column,
            rows,
            last,
            before,
            after,
        } => {
            let column = ledger_column(*column);
            let these = if *rows == 1 {
                "dòng này".to_string()
            } else {
                format!("{rows} dòng (đến dòng {last})")
            };
            format!(
                "không có {column} ở {these}, trong khi các dòng xung quanh có (dòng {before} và \
                 {after}): ô bị gộp trong Excel? Các dòng không có {column} được cộng vào (trống)"
            )
        }
        Kind::FarDate { date, from, to } => {
            let range = if from == to {
                from.to_string()
            } else {
                format!("{from}-{to}")
            };
            format!(
                "{} cách xa nhiều năm so với mọi ngày khác của tệp (đều trong {range}): gõ nhầm?",
                day(*date)
            )
        }
        Kind::AmountOutlier {
            amount,
            median,
            unit,
            measure,
        } => {
            let whose = if unit.is_empty() {
                "các dòng không có đơn vị".to_string()
            } else {
                quoted(unit)
            };
            format!(
                "{} gấp 1.000 lần trở lên số trung vị theo {} của {whose} (khoảng {}): gõ \
                 nhầm?",
                number(*amount),
                vietnamese_name(measure),
                number(*median)
            )
        }
        Kind::WhereFolded {
            dim: d,
            given,
            matched,
        } => format!(
            "--where {}={given} không khớp đúng {} nào, nên khớp khi bỏ qua dấu và chữ hoa: {}",
            d.name(),
            dim(*d),
            quoted_list(matched)
        ),
        Kind::WhereNothing {
            dim: d,
            given,
            closest,
        } => {
            if closest.is_empty() {
                format!(
                    "--where {}={given} không khớp dòng nào: không dòng nào có {}",
                    d.name(),
                    dim(*d)
                )
            } else {
                format!(
                    "--where {}={given} không khớp dòng nào; các giá trị {} gần nhất là {}",
                    d.name(),
                    dim(*d),
                    quoted_list(closest)
                )
            }
        }
        Kind::WherePeriodNothing {
            dim: d,
            given,
            first,
            last,
        } => {
            let span = if first == last {
                format!("đều trong {first}")
            } else {
                format!("từ {first} đến {last}")
            };
            format!(
                "--where {}={given} không khớp dòng nào; các dòng có ngày {span}",
                d.name()
            )
        }
        Kind::KeysDiffer {
            dim: d,
            pairs,
            more,
        } => {
            let list = pairs
                .iter()
                .map(|(a, b)| format!("{} / {}", quoted(a), quoted(b)))
                .collect::<Vec<_>>()
                .join(", ");
            let tail = if *more > 0 {
                format!(" và {more} cặp nữa")
            } else {
                String::new()
            };
            format!(
                "các giá trị {} chỉ khác nhau ở chữ hoa, dấu hoặc khoảng trắng được cộng riêng: \
                 {list}{tail}. danvan check chỉ ra chỗ ghi từng cách; hãy sửa sổ, hoặc tính là \
                 một bằng --aliases",
                dim(*d)
            )
        }
        Kind::ResultMissing(col) => format!("thiếu {}", result_column(*col)),
        Kind::ResultNotANumber { text } => format!(
            "không đọc được {} thành số; chỉ ghi số (96 hoặc 89,5), còn số đó đo bằng gì thì ghi \
             ở cột đơn vị tính (%, m)",
            quoted(text)
        ),
        Kind::RegistryMissing(col) => format!("thiếu {}", registry_column(*col)),
        Kind::NotAYear { text } => format!("{} không phải là năm", quoted(text)),
        Kind::DuplicateModel { id, first_line } => {
            format!(
                "mã mô hình {} bị trùng (lần đầu ở dòng {first_line})",
                quoted(id)
            )
        }
        Kind::NotPlainDecimal { text, decimal } => {
            format!(
                "{} không phải số thập phân viết thường như 1234567{decimal}5",
                quoted(text)
            )
        }
        Kind::TotalOutOfRange { text } => format!(
            "{} có nhiều chữ số hơn mức danvan cộng chính xác được (tối đa {} và 28 chữ số \
             thập phân)",
            quoted(text),
            Decimal::MAX
        ),
        Kind::NotWholeNumber { text } => format!("{} không phải số nguyên", quoted(text)),
        Kind::SameGroup { first_line } => {
            format!("cùng nhóm với dòng {first_line}; cả hai đều được cộng")
        }
        Kind::SpellingVariants { dim, spellings } => {
            let list = spellings
                .iter()
                .map(|s| {
                    format!(
                        "{} ({} dòng, lần đầu ở {}:{})",
                        quoted(&s.text),
                        s.rows,
                        s.file,
                        s.line
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            // The alias lines that would count them as one: each onto the most used spelling.
            let main = spellings
                .iter()
                .max_by_key(|s| s.rows)
                .map(|s| s.text.as_str());
            let aliases = spellings
                .iter()
                .filter(|s| Some(s.text.as_str()) != main)
                .map(|s| format!("{dim},{},{}", s.text, main.unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("; ");
            format!(
                "các cách viết chỉ khác nhau ở chữ hoa, chữ thường hoặc dấu: {list}; để tính là \
                 một, thêm vào tệp --aliases: {aliases}"
            )
        }
        Kind::UnusedModel { id } => format!("mô hình {} chưa có đóng góp nào", quoted(id)),
        Kind::NoRegistry { id } => format!(
            "các dòng có ghi mô hình ({}…) nhưng không có danh sách mô hình --models, nên \
             không được kiểm tra",
            quoted(id)
        ),
        Kind::TotalTooLong {
            whose,
            measure,
            column,
            total,
        } => {
            let whose = match whose {
                Whose::Line(label) if label.is_empty() => "tổng".to_string(),
                Whose::Line(label) => {
                    let parts: Vec<String> = label
                        .iter()
                        .map(|(d, v)| format!("{} {}", dim(*d), quoted(v)))
                        .collect();
                    format!("tổng của {}", parts.join(", "))
                }
                Whose::Others(n) => format!("tổng của {n} dòng khác"),
                Whose::Grand => "tổng cộng".to_string(),
            };
            let column = match column {
                Some((d, value)) => format!(", {} {value},", dim(*d)),
                None => String::new(),
            };
            format!(
                "{whose}{column} theo {} là {total}, cần nhiều chữ số hơn mức danvan in \
                 chính xác được (tối đa {} và 28 chữ số thập phân); chưa ghi gì",
                vietnamese_name(measure),
                Decimal::MAX
            )
        }
    }
}

/// A workbook given as a ledger, and how to save it as CSV, in Vietnamese.
fn workbook(book: Workbook) -> String {
    let (what, how) = match book {
        Workbook::Xlsx => (
            "sổ Excel (.xlsx)",
            "trong Excel, File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\"",
        ),
        Workbook::Xls => (
            "sổ Excel cũ (.xls)",
            "trong Excel, File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\" (hoặc \"CSV \
             (Comma delimited)\" với Excel 2013 trở về trước, rồi dùng --encoding windows-1258)",
        ),
        Workbook::Ods => (
            "bảng tính LibreOffice Calc (.ods)",
            "trong LibreOffice Calc, File > Save As > \"Text CSV (.csv)\" với bộ ký tự Unicode \
             (UTF-8)",
        ),
    };
    format!(
        "đây là {what}, không phải tệp CSV: danvan đọc CSV. Hãy lưu bảng thành CSV ({how}) rồi \
         đưa tệp .csv cho danvan"
    )
}

/// How two inputs are one, in Vietnamese.
fn sameness(same: Sameness) -> &'static str {
    match same {
        Sameness::File => "cùng một tệp",
        Sameness::Content => "cùng nội dung",
    }
}

/// A results column's Vietnamese name.
fn result_column(col: ResultCol) -> &'static str {
    match col {
        ResultCol::Model => "cột mã mô hình (model)",
        ResultCol::Indicator => "cột chỉ tiêu kết quả (indicator)",
        ResultCol::Value => "cột giá trị (value)",
        ResultCol::Unit => "cột đơn vị tính (unit)",
    }
}

/// Why a date cell is no date, in Vietnamese.
pub fn date_error(e: &DateError) -> String {
    match e {
        DateError::Missing => "thiếu ngày".to_string(),
        DateError::Unreadable(s) => format!(
            "không đọc được {} thành ngày (ghi ngày trước tháng: 15/03/2024, hoặc 2024-03-15)",
            quoted(s)
        ),
        DateError::Impossible(s) => format!("{} không phải là ngày có thật", quoted(s)),
        DateError::OutOfRange(s) => {
            format!(
                "{}: năm nằm ngoài khoảng {}-{}",
                quoted(s),
                YEARS.start(),
                YEARS.end()
            )
        }
    }
}

/// Why an amount cell is no number, in Vietnamese.
pub fn number_error(e: &NumberError) -> String {
    match e {
        NumberError::Empty => "thiếu số tiền".to_string(),
        NumberError::Unreadable(s) => format!("không đọc được {} thành số", quoted(s)),
        NumberError::TooLarge(s) => format!("{} quá lớn để cộng chính xác", quoted(s)),
    }
}

/// A value as a Vietnamese reader writes it: a decimal comma, no grouping (`1,2`, `1200`).
fn number(d: Decimal) -> String {
    crate::domain::amount::plain(d).replace('.', ",")
}

/// A dimension's name inside a sentence.
fn dim(d: Dim) -> String {
    (crate::present::locale::VI.dim)(d).to_lowercase()
}

/// A ledger column's Vietnamese name.
fn ledger_column(col: Col) -> &'static str {
    match col {
        Col::Date => "ngày",
        Col::Amount => "số tiền",
        Col::Measure => "đơn vị tính",
        Col::Model => "mã mô hình",
        Col::Unit => "đơn vị",
        Col::Area => "địa bàn",
        Col::Field => "lĩnh vực",
        Col::Source => "nguồn",
        Col::Note => "ghi chú",
    }
}

/// A registry column's Vietnamese name.
fn registry_column(col: RegCol) -> &'static str {
    match col {
        RegCol::Id => "mã mô hình",
        RegCol::Name => "tên mô hình",
        RegCol::Unit => "đơn vị",
        RegCol::Year => "năm",
        RegCol::Area => "địa bàn",
        RegCol::Field => "lĩnh vực",
        RegCol::Target => "chỉ tiêu",
    }
}

/// A command's message in Vietnamese.
pub fn sentence(m: &Message) -> String {
    match m {
        Message::Tally {
            read,
            counted,
            filtered,
            rejected,
        } => format!("đã đọc {read} dòng = tính {counted} + lọc {filtered} + loại {rejected}"),
        Message::Refused { problems } => format!(
            "danvan: dữ liệu có {problems} lỗi; chưa ghi gì (hãy sửa, hoặc dùng --skip-invalid)"
        ),
        Message::RefusedSummaries { problems } => {
            format!("danvan: các bảng tổng hợp có {problems} lỗi; chưa ghi gì")
        }
        Message::MoreProblems { more, warnings } => {
            let noun = if *warnings { "cảnh báo" } else { "lỗi" };
            format!("… và {more} {noun} nữa (danvan check liệt kê đủ)")
        }
        Message::AlsoIn { files } => {
            const SHOWN: usize = 10;
            let names: Vec<&str> = files.iter().take(SHOWN).map(|f| &**f).collect();
            let more = files.len().saturating_sub(SHOWN);
            let tail = if more > 0 {
                format!(" và {more} tệp khác")
            } else {
                String::new()
            };
            format!(
                " (cũng vậy ở {} tệp nữa: {}{tail})",
                files.len(),
                names.join(", ")
            )
        }
        Message::Unlisted { more, max } => format!(
            "… và {more} lỗi và cảnh báo nữa sau đây, không liệt kê (danvan liệt kê {max} mục \
             đầu tiên của mỗi loại; hãy sửa rồi chạy lại)"
        ),
        Message::CheckCount { errors, warnings } => format!("{errors} lỗi, {warnings} cảnh báo"),
        Message::RejectsCapped { file, kept, more } => format!(
            "cảnh báo: {file} chứa {kept} dòng bị loại đầu tiên; còn {more} dòng nữa bị loại \
             (hãy sửa rồi chạy lại)"
        ),
        Message::LeftOut { measure, others } => {
            let list: Vec<String> = others
                .iter()
                .map(|(m, n)| format!("{} ({n} dòng)", vietnamese_name(m)))
                .collect();
            format!(
                "ghi chú: các cột chỉ hiện {}; không hiện: {} (chọn bằng --measure)",
                vietnamese_name(measure),
                list.join(", ")
            )
        }
        Message::NoTargets => "ghi chú: không mô hình nào có chỉ tiêu nên không có tỷ lệ đạt; \
                               hãy thêm cột `Chỉ tiêu` (target) vào danh sách mô hình"
            .to_string(),
        Message::WithoutContribution { ids } => format!(
            "ghi chú: {} mô hình chưa có đóng góp: {}",
            ids.len(),
            ids.join(", ")
        ),
        Message::Unattributed { rows } => format!(
            "ghi chú: {rows} dòng được tính không ghi mô hình đã đăng ký nên không nằm trong số \
             liệu của mô hình nào"
        ),
        Message::ThreadsCapped { asked, max } => {
            format!("ghi chú: --threads {asked} nhiều hơn số luồng danvan chạy; dùng {max}")
        }
        Message::ScaleIgnored => "cảnh báo: --in chỉ đổi bảng và Markdown; CSV và JSON giữ mọi \
                                  số tiền chính xác, tính bằng đồng"
            .to_string(),
        Message::Rounded { scale } => format!(
            "ghi chú: số tiền hiện theo {}, đã làm tròn, nên các số hiện ra có thể không cộng \
             đúng bằng tổng hiện ra (tổng được tính trước khi làm tròn)",
            (crate::present::locale::VI.scaled)(*scale)
        ),
    }
}

/// A failure that stops the run, in Vietnamese.
pub fn failure(f: &Failure) -> String {
    match f {
        Failure::CannotOpen { file, error } => {
            let why = match error.kind() {
                std::io::ErrorKind::NotFound => "không có tệp này".to_string(),
                std::io::ErrorKind::PermissionDenied => "không có quyền đọc tệp".to_string(),
                _ => error.to_string(),
            };
            format!("{file}: không mở được: {why}")
        }
        Failure::IsFolder { file } => format!("{file}: là thư mục, không phải tệp sổ"),
        Failure::Header { file, line, error } => {
            format!("{file}:{line}: {}", header_error(error))
        }
        Failure::Problem(p) => p.text(Lang::Vi),
        Failure::OfFile { file, kind } => format!("{file}: {}", message(kind)),
        Failure::Data(kind) => message(kind),
        Failure::NotUtf8 { file, line, column } => format!(
            "{file}:{line}: cột {column}: chữ không ở dạng UTF-8; nếu tệp do một chương trình \
             Windows cũ tạo ra, hãy thử --encoding windows-1258"
        ),
    }
}

/// What is wrong with a header, in Vietnamese: each column named as danvan knows it, with the
/// Vietnamese header a clerk writes.
fn header_error(e: &HeaderError) -> String {
    let name = |c: &str| match c {
        "date" => format!("{c} (Ngày)"),
        "amount" => format!("{c} (Số tiền)"),
        "id" => format!("{c} (Mã)"),
        "name" => format!("{c} (Tên mô hình)"),
        "unit" => format!("{c} (Đơn vị)"),
        "year" => format!("{c} (Năm)"),
        other => other.to_string(),
    };
    match e {
        HeaderError::Missing(cols) => {
            let cols: Vec<String> = cols.iter().map(|c| name(c)).collect();
            format!("thiếu cột bắt buộc: {}", cols.join(", "))
        }
        HeaderError::Duplicate {
            column,
            first,
            second,
        } => format!(
            "hai cột cùng có nghĩa {} (cột {first} và {second}); hãy giữ một",
            name(column)
        ),
    }
}

/// What a problem's place says instead of a column when it is about the record, the file or
/// its header.
pub fn place(column: &str) -> &str {
    match column {
        "row" => "dòng",
        "file" => "tệp",
        "header" => "dòng tiêu đề",
        other => other,
    }
}

/// The marks before a warning's text, and before a problem skipped by `--skip-invalid`.
pub const WARNING: &str = "cảnh báo: ";
pub const SKIPPED: &str = "cảnh báo: bỏ qua: ";
