import Support

/// GitHub Actions workflow commands (`::error file=…,line=…::message`), escaped as actions/toolkit does.
enum WorkflowCommand {
    /// A command's message (`escapeData`), after control characters are made inert.
    static func data(_ text: String) -> String {
        Inert.text(text).replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
    }

    /// A property value (`escapeProperty`).
    static func property(_ text: String) -> String {
        data(text).replacing(":", with: "%3A").replacing(",", with: "%2C")
    }
}
