import Artifacts
import Cluster
import Foundation
import Platform

/// `status -o html`: one self-contained page (inline CSS, no script, no external asset) that draws the
/// promotion lane — sandboxes, then the environment that tracks a branch, the ones that track a range,
/// the pinned ones — with what each runs, how far behind it is and its live health, and the recent
/// pin history below.
public enum StatusHTMLFormatter {
    public static func format(_ report: StatusReport, history: [PinChange], generated: String) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <title>Lockmaster status</title>
            <style>\(style)</style>
            </head>
            <body>
            <h1>Promotion lane</h1>
            <p class="meta">\(HTMLText.escape(report.repository)) · generated \(HTMLText.escape(generated))</p>

            """
        if let explanation = report.explanation {
            html += "<p class=\"problem\">\(HTMLText.escape(explanation))</p>\n"
        }
        html += "<ol class=\"lane\">\n"
        for environment in lane(report.environments) { html += station(environment) }
        html += "</ol>\n"
        html += historyTable(history)
        html += "</body>\n</html>\n"
        return html
    }

    /// Sandboxes first, then branch, range and pinned environments; the report's order within each.
    static func lane(_ environments: [StatusReport.Environment]) -> [StatusReport.Environment] {
        func rank(_ environment: StatusReport.Environment) -> Int {
            if environment.name.hasPrefix("sandbox-") { return 0 }
            switch environment.kind {
            case .tracksBranch: return 1
            case .tracksRange: return 2
            case .pinned: return 3
            case .unknown: return 4
            }
        }
        return environments.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(
            \.element)
    }

    static func station(_ environment: StatusReport.Environment) -> String {
        var lines = [
            "<li class=\"station \(HTMLText.escape(environment.kind.rawValue))\" data-environment=\"\(HTMLText.escape(environment.name))\">",
            "<h2>\(HTMLText.escape(environment.name))</h2>",
            "<p class=\"kind\">\(HTMLText.escape(environment.kind.rawValue))</p>",
        ]
        if let ref = environment.ref {
            lines.append(
                "<p class=\"ref\">\(HTMLText.escape(environment.refField?.rawValue ?? "ref")) <code>\(HTMLText.escape(ref))</code></p>"
            )
        }
        if let runs = environment.runs {
            if let error = runs.error {
                lines.append("<p class=\"runs problem\">runs: unknown — \(HTMLText.escape(error))</p>")
            } else {
                let what =
                    runs.tag.map { "\($0) \(runs.digest.map { String($0.prefix(19)) } ?? "")" }
                    ?? runs.branch.map { "\($0)@\(String((runs.commit ?? "").prefix(7)))" } ?? runs.revision ?? "-"
                lines.append("<p class=\"runs\">runs <code>\(HTMLText.escape(what))</code></p>")
                if let signature = runs.signature {
                    lines.append(
                        "<p class=\"signature \(signature.state == .signed ? "ok" : "problem")\">signature: \(HTMLText.escape(SignatureText.summary(signature)))</p>"
                    )
                }
            }
        }
        if let behind = environment.behind { lines.append("<p class=\"behind\">\(HTMLText.escape(behind))</p>") }
        lines.append(health(environment.live))
        lines.append("</li>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Live health when a cluster was asked; otherwise says it was not.
    static func health(_ live: StatusReport.Live?) -> String {
        guard let live else { return "<p class=\"health unknown\">health: not asked (status --live)</p>" }
        if let error = live.error {
            return "<p class=\"health problem\">\(HTMLText.escape(live.context)): \(HTMLText.escape(error))</p>"
        }
        let ready = live.objects.filter { $0.ready == true }.count
        let state = ready == live.objects.count ? "ready" : "problem"
        return "<p class=\"health \(state)\">\(HTMLText.escape(live.context)): \(ready)/\(live.objects.count) ready</p>"
    }

    static func historyTable(_ history: [PinChange]) -> String {
        guard !history.isEmpty else { return "<h2>Recent changes</h2>\n<p>No pin has changed yet.</p>\n" }
        var lines = [
            "<h2>Recent changes</h2>", "<table class=\"history\">",
            "<tr><th>date</th><th>environment</th><th>change</th><th>commit</th><th>author</th></tr>",
        ]
        // Newest first; within one second, later in git's order first.
        let newest = history.enumerated().sorted { ($0.element.date, $0.offset) > ($1.element.date, $1.offset) }.map(
            \.element)
        for change in newest.prefix(20) {
            let what = "\(change.field) \(change.from ?? "-") → \(change.to)"
            lines.append(
                "<tr><td>\(HTMLText.escape(change.date))</td><td>\(HTMLText.escape(change.environment))</td><td><code>\(HTMLText.escape(what))</code></td>"
                    + "<td><code>\(HTMLText.escape(String(change.commit.prefix(12))))</code></td><td>\(HTMLText.escape(change.author))</td></tr>"
            )
        }
        lines.append("</table>")
        return lines.joined(separator: "\n") + "\n"
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2330;background:#fafbfc}\
        h1{margin:0 0 .2rem}.meta{color:#667;margin:0 0 1.5rem}\
        .lane{display:flex;gap:1rem;list-style:none;padding:0;margin:0 0 2rem;overflow-x:auto}\
        .station{flex:1 1 14rem;min-width:14rem;background:#fff;border:1px solid #d5dae1;border-top:6px solid #8a94a6;\
        border-radius:8px;padding:.8rem 1rem;position:relative}\
        .station:not(:last-child)::after{content:"\\2192";position:absolute;right:-1rem;top:40%;color:#8a94a6;font-size:1.2rem}\
        .station.tracks-branch{border-top-color:#3b82f6}.station.tracks-range{border-top-color:#f59e0b}\
        .station.pinned{border-top-color:#10b981}.station h2{margin:.1rem 0;font-size:1.15rem}\
        .kind{text-transform:uppercase;font-size:.75rem;letter-spacing:.05em;color:#667;margin:0 0 .5rem}\
        .station p{margin:.3rem 0}.behind{color:#b45309}.problem{color:#b91c1c}.ready{color:#047857}\
        .unknown{color:#8a94a6;font-size:.85rem}code{font-size:.85rem}\
        table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d5dae1;padding:.35rem .6rem;text-align:left}\
        th{background:#eef1f5}
        """
}
