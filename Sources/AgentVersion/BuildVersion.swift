/// The version that `--version`, the `eni_config_agent_build_info` metric and `/status` report.
public enum BuildVersion {
    /// The release this source tree is: the chart's `appVersion` and the image tag in `deploy/`
    /// (CLITests checks that they agree).
    public static let release = "0.1.0"

    /// The release, plus `git describe` of the tree it was built from when the build could see a
    /// git checkout (`0.1.0+27a2c93-dirty`); the image build copies no `.git`, so it says `0.1.0`.
    public static var description: String {
        gitDescription.map { "\(release)+\($0)" } ?? release
    }
}
