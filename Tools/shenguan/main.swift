print("shenguan")
