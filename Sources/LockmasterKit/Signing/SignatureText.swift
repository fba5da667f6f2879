import Artifacts

/// One line about a signature verdict, for the text formatters.
enum SignatureText {
    static func summary(_ verdict: SignatureVerdict) -> String {
        switch verdict.state {
        case .signed: "signed by \(verdict.keys.joined(separator: ", "))"
        case .unsigned: "unsigned (nothing under \(verdict.tag))"
        case .invalid: "invalid: " + verdict.problems.joined(separator: "; ")
        }
    }
}
