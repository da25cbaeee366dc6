"""Admin and team web pages under /admin (handlers.admin.site.AdminSite mounts them)."""
