/// Why a source's content is not read during a render.
enum RenderError: Error, Sendable, CustomStringConvertible {
    /// An offline render (the merge guard's) reads only this repository; the named source is elsewhere.
    case notOffline(String)

    var description: String {
        switch self {
        case let .notOffline(source): "\(source) is another repository; it is not rendered offline"
        }
    }
}
