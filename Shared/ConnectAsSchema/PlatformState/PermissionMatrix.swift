/// The product's default matrix and how an org's overrides apply to it.
///
/// Lives with the schema because the overrides in ``OrgState`` mean nothing without the defaults they override, and
/// both policy-service and audit-writer must read them the same way.
public enum PermissionMatrix {
    /// Owners and Admins have all four permissions by default; Developers and Viewers none.
    public static func defaultGrant(_ permission: Permission, to role: Role) -> Bool {
        switch role {
        case .owner, .admin: true
        case .developer, .viewer: false
        }
    }

    /// An override for the role and permission wins; otherwise the default applies.
    public static func isGranted(
        _ permission: Permission, to role: Role, overrides: [Role: [Permission: Bool]]
    ) -> Bool {
        overrides[role]?[permission] ?? defaultGrant(permission, to: role)
    }
}
