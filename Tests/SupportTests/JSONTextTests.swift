import Foundation
import Support
import Testing

@Suite struct JSONTextTests {
    @Test func quotesAsJSONAndGoWrite() throws {
        let text = "a\"b\\c\nd\re\tf\u{1}<&>\u{2028}é"
        #expect(JSONText.quoted(text) == "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001<&>\u{2028}é\"")
        #expect(
            JSONText.quoted(text, escapingHTML: true)
                == "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001\\u003c\\u0026\\u003e\\u2028é\"")
        // Whatever the escaping, a JSON reader gets the text back.
        for escaping in [false, true] {
            let decoded = try JSONSerialization.jsonObject(
                with: Data(JSONText.quoted(text, escapingHTML: escaping).utf8), options: .fragmentsAllowed)
            #expect(decoded as? String == text)
        }
    }
}
