// Starts Swagger UI on /docs (a file, not an inline script, so the Content-Security-Policy stays strict).
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: box.dataset.openapiUrl, dom_id: "#swagger-ui", deepLinking: true });
})();
