print("connectas: placeholder")
