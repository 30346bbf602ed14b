"""Performance evaluation (履约评价): the owner's evaluation of the contract unit at completion,
on the published form; part of the company's public record and the project's page."""
