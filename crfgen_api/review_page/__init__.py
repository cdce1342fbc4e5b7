"""The reviewer's page: server-rendered HTML (Jinja2) over the same store, permissions and packages as
the JSON API; a cookie holding the API token, and a CSRF token in every form."""
