import Support
import Testing

@Suite struct InertTests {
    /// GitHub's runner trims every Unicode white space before it looks for `::` (actions/runner,
    /// ActionCommand.TryParseV2 with .NET's TrimStart): none of them may carry a workflow command.
    @Test(arguments: ["\u{2003}", "\u{00A0}", "\u{3000}", "\u{205F}", "\u{2028}", "\u{000B}", "\u{000C}", " \t"])
    func noWhiteSpaceStartsAWorkflowCommand(_ space: String) {
        let line = "x\n\(space)::error title=forged::pwned\n"
        let output = Inert.output(line)
        #expect(
            output.split(separator: "\n").allSatisfy { !$0.drop(while: \.isWhitespace).hasPrefix("::") },
            "\(output.debugDescription)")
        #expect(Inert.needsQuoting(line))
    }
}
