"""What the JSON API and the web pages share over HTTP (cookies, CSRF, the database session and path
parameters), so that neither adapter imports the other."""
