import Foundation
import GitKit

extension GitClient {
    /// Puts a failed promotion back: the edited file, and, when the promotion made its own branch,
    /// the branch the user was on, with the new branch deleted.
    func undoPromotion(file: String, branch: String, madeBranch: Bool, original: String?, in root: URL) async {
        try? await restore([file], in: root)
        guard madeBranch else { return }
        if let original { try? await switchBranch(original, in: root) }
        try? await deleteBranch(branch, in: root)
    }
}
