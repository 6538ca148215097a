// The KubeSandbox module: see Package.swift for its job. Its sources arrive with the issue that builds it.
