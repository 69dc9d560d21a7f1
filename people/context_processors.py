from core import portal

from . import roles


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    links = portal.nav_links_for(user)
    menus = {}
    top = []
    for link in links:
        if link.menu:
            if link.menu not in menus:
                menus[link.menu] = []
                top.append((link.menu, menus[link.menu]))
            menus[link.menu].append(link)
        else:
            top.append((None, link))
    return {"nav_items": top, "user_roles": roles.roles_of(user)}
