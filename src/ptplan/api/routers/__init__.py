"""One router per resource; :data:`ROUTERS` is the registry ``create_app`` mounts under /api/v1."""

from ptplan.api.routers import (
           audit,
           auth,
           clinic,
           exports,
           health,
           me,
           outcomes,
           patients,
           plans,
           preview,
           records,
           users,
           videos,
           worklist,
)

ROUTERS = [health.router, preview.router, auth.router, users.router, patients.router, records.router,
           plans.router, videos.router, exports.router, audit.router,
           worklist.router, me.router, clinic.router, outcomes.router]
