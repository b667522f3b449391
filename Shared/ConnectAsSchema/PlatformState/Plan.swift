/// The org's subscription plan, declared cheapest first so that "Starter and above" is `plan >= .starter`.
public enum Plan: String, SchemaEnum, Comparable {
    case free = "free"
    case starter = "starter"
    case professional = "professional"
    case enterprise = "enterprise"

    public static func < (lhs: Plan, rhs: Plan) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
