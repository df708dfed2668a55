"""Who may do what with reports (decided in reports.permissions)."""

from chiso.reports import permissions as perms


def test_the_matrix(world):
    p, home, civil, laws = world.people, world.home, world.civil, world.laws
    view = {name: perms.can_view_reports(getattr(p, name), home) for name in vars(p)}
    assert view == {"admin": True, "coordinator": True, "leader": True, "office": True, "head": True,
                    "staff": True, "laws_staff": True, "viewer": True, "outsider": False, "far_coordinator": False,
                    "nobody": False}
    edit_civil = {name for name in vars(p) if perms.can_edit_unit_report(getattr(p, name), home, civil)}
    assert edit_civil == {"admin", "office", "head", "staff"}
    assert {n for n in vars(p) if perms.can_edit_unit_report(getattr(p, n), home, laws)} == {"admin", "office",
                                                                                            "laws_staff"}
    assert not perms.can_edit_unit_report(p.office, home, world.other_unit)  # a unit of another agency
    assert {n for n in vars(p) if perms.can_compile_report(getattr(p, n), home)} == {"admin", "office"}
    assert {n for n in vars(p) if perms.can_view_rollup(getattr(p, n), world.province)} == {"admin", "coordinator"}
    # the sign-off (issue 10): the leader approves or returns, nobody else (the office submits)
    assert {n for n in vars(p) if perms.can_sign_off(getattr(p, n), home)} == {"admin", "leader"}
    assert not perms.can_sign_off(p.outsider, world.other)  # an office is not its agency's leader
