print("l4spec")
