print("eni-config-agent")
