import Foundation
import PackagePlugin

/// Writes `GitDescription.swift` (`let gitDescription: String?`) from `git describe` before each
/// build, so the binary can say which commit it was built from. SwiftPM has no other way to put
/// a build-time value into Swift code. The file is only rewritten when the description changes,
/// so an unchanged tree does not relink.
@main
struct GitDescribe: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        return [
            .prebuildCommand(
                displayName: "git describe → GitDescription.swift",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "git-describe", context.package.directoryURL.path, output.path],
                outputFilesDirectory: output)
        ]
    }

    /// $1: the package directory; $2: where the file goes. Without git or a checkout the value is nil.
    /// Only characters git uses in descriptions are kept, so the value is always a valid literal.
    private static let script = #"""
        set -eu
        mkdir -p "$2"
        described="$(git -C "$1" describe --tags --always --dirty 2>/dev/null | tr -cd 'A-Za-z0-9._+-' || true)"
        if [ -n "$described" ]; then value="\"$described\""; else value=nil; fi
        printf '// Generated before each build by Plugins/GitDescribe; not in git.\nlet gitDescription: String? = %s\n' "$value" >"$2/GitDescription.swift.new"
        if cmp -s "$2/GitDescription.swift.new" "$2/GitDescription.swift"; then
            rm "$2/GitDescription.swift.new"
        else
            mv "$2/GitDescription.swift.new" "$2/GitDescription.swift"
        fi
        """#
}
