import ENIConfig

/// Two node files of very different sizes, so that a writer killed at a random moment is
/// usually caught in the middle of the large one.
enum Renders {
    static let small = RenderedConflist(
        bytes: Array(
            """
            {
              "cniVersion": "0.4.0",
              "name": "terway-chainer",
              "plugins": [
                {
                  "type": "terway"
                },
                {
                  "capabilities": {
                    "portMappings": true
                  },
                  "type": "portmap"
                }
              ]
            }

            """.utf8),
        pluginTypes: ["terway", "portmap"])

    /// About 200 KB: a tuning plugin with thousands of sysctls.
    static let large: RenderedConflist = {
        let sysctls = (0..<5_000).map { index in
            "        \"net.ipv4.conf.eth\(index).accept_redirects\": \"\(index % 2)\""
        }
        let text = """
            {
              "cniVersion": "0.4.0",
              "name": "terway-chainer",
              "plugins": [
                {
                  "type": "terway"
                },
                {
                  "sysctl": {
            \(sysctls.joined(separator: ",\n"))
                  },
                  "type": "tuning"
                }
              ]
            }

            """
        return RenderedConflist(bytes: Array(text.utf8), pluginTypes: ["terway", "tuning"])
    }()
}
