import ArgumentParser

/// `--unconfined`, for the commands that build kustomizations: builds run inside the kernel wall
/// (Landlock and seccomp) and are refused where the kernel cannot build it, unless told otherwise.
struct BuildWallOptions: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "Build without the kernel wall where this kernel has no Landlock or seccomp. Only for content you trust, on your own machine: an unconfined build can read any file you can and reach the network. CI recipes never pass it."
        ))
    var unconfined = false
}
