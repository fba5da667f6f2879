/// Why a source's content is not read during a render.
enum RenderError: Error, Sendable, CustomStringConvertible {
    /// An offline render (the merge guard's) reads only this repository; the named source is elsewhere.
    case notOffline(String)
    /// An OCIRepository whose url is a path, not `oci://`: never read (the settings alone may name a layout).
    case notOCIURL(source: String, url: String)

    var description: String {
        switch self {
        case .notOffline(let source): "\(source) is another repository; it is not rendered offline"
        case .notOCIURL(let source, let url):
            "\(source)'s url \(url) is not oci://; it is not read (a local OCI layout is read only where lockmaster.yaml's artifact names it)"
        }
    }
}
