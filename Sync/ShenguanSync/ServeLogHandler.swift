import Foundation
import Logging
import ShenguanCalendar

/// The serving replica's log lines on stderr, stamped in China Standard
/// Time (the clerks' and auditors' clock, whatever the machine's zone), as
/// text or one JSON object per line (`serve --log-format json`, for log
/// collectors). Messages and metadata never carry secrets or personal data:
/// departments, counts and codes only.
public struct ServeLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable { case text, json }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    let label: String
    let format: Format
    let clock: @Sendable () -> Int64

    public init(label: String, format: Format, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.label = label; self.format = format; self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        let all = metadata.merging(extra ?? [:]) { _, new in new }
        FileHandle.standardError.write(Data((render(level: level, message: "\(message)", metadata: all) + "\n").utf8))
    }

    /// One line: `2026-10-09T10:00:00.000+08:00 info shenguan.serve: message key=value …` or JSON.
    func render(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let time = ChinaStandardTime.rfc3339CST(millis: clock())
        let pairs = metadata.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
        switch format {
        case .text:
            return "\(time) \(level) \(label): \(message)" + pairs.map { " \($0.0)=\($0.1)" }.joined()
        case .json:
            var o: [String: String] = ["time": time, "level": "\(level)", "logger": label, "message": message]
            for (k, v) in pairs where o[k] == nil { o[k] = v }
            let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }
}
