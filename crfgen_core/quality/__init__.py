"""Quality gates: structural validators (ODM XSD) and Great Expectations suites."""
