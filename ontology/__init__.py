"""The policykg ontology: the OWL/Turtle schema, SHACL shapes and the Python domain model that mirrors them."""
