import Testing

@testable import LockmasterKit

@Suite struct MarkdownTextTests {
    @Test func markdownBreaksMentionsAndAutolinks() {
        let text = MarkdownText.text("@octocat WWW.evil.example https://evil.example ok: 1")
        #expect(!text.contains("@o") && !text.contains("WWW.") && !text.contains("https\\://"), "\(text)")
        #expect(text.hasSuffix("ok\\: 1"))
        #expect(!MarkdownText.html("@team www.x http://y").contains("@t"))
    }

    @Test func htmlEscapesTheFiveCharactersHTMLActsOn() {
        #expect(HTMLText.escape(#"<a href="x">&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
    }
}
