import DuradoraApp
print("duradora \(DuradoraVersion.current)")
