import Foundation

/// Turns the bytes of an uploaded spreadsheet export into text.
///
/// Detection: a UTF-8 byte order mark, then a UTF-16 one (LE or BE); without a mark, UTF-8
/// when the bytes are valid UTF-8, else GB18030 (the superset of GBK and GB2312 that Chinese
/// Excel and WPS write) when iconv reads it without an error, else Windows-1252. A forced
/// encoding is decoded leniently, invalid bytes becoming U+FFFD.
enum CSVDecoding {
    struct Result {
        var text: String
        var encoding: CSVEncoding
    }

    static func decode(_ bytes: [UInt8], forcing forced: CSVEncoding?) -> Result {
        let mark = byteOrderMark(bytes)
        guard let encoding = forced ?? mark?.encoding else { return withoutBOMs(detect(bytes)) }
        // A byte order mark is dropped only when it matches the encoding read.
        var skip = 0
        if let mark, mark.encoding == encoding || (mark.encoding == .utf8BOM && encoding == .utf8) { skip = mark.length }
        let body = bytes[skip...]
        let text: String
        switch encoding {
        case .utf8, .utf8BOM:
            text = String(decoding: body, as: UTF8.self)
        case .utf16LE:
            text = utf16(body, bigEndian: false)
        case .utf16BE:
            text = utf16(body, bigEndian: true)
        case .gb18030:
            text = MailCharset.iconvDecode(body, from: "GB18030")?.text ?? MailCharset.windows1252(body)
        case .windows1252:
            text = MailCharset.windows1252(body)
        }
        return withoutBOMs(Result(text: text, encoding: encoding))
    }

    /// Bytes without a byte order mark: UTF-8, else GB18030, else Windows-1252.
    static func detect(_ bytes: [UInt8]) -> Result {
        if let text = String(validating: bytes, as: UTF8.self) { return Result(text: text, encoding: .utf8) }
        if let gb = MailCharset.iconvDecode(bytes[...], from: "GB18030"), gb.errors == 0 {
            return Result(text: gb.text, encoding: .gb18030)
        }
        return Result(text: MailCharset.windows1252(bytes[...]), encoding: .windows1252)
    }

    /// A BOM inside the text (files concatenated by hand) is not content.
    private static func withoutBOMs(_ result: Result) -> Result {
        guard result.text.unicodeScalars.contains("\u{FEFF}") else { return result }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: result.text.unicodeScalars.lazy.filter { $0 != "\u{FEFF}" })
        return Result(text: String(scalars), encoding: result.encoding)
    }

    static func byteOrderMark(_ bytes: [UInt8]) -> (encoding: CSVEncoding, length: Int)? {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return (.utf8BOM, 3) }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return (.utf16LE, 2) }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return (.utf16BE, 2) }
        return nil
    }

    /// UTF-16 code units to text; a lone trailing byte and unpaired surrogates become U+FFFD.
    static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(bigEndian ? a << 8 | b : b << 8 | a)
            i += 2
        }
        var text = String(decoding: units, as: UTF16.self)
        if i < bytes.endIndex { text.append("\u{FFFD}") }
        return text
    }
}
