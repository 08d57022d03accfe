"""What officials look up: demonstration designations, mechanisms, practice cards and similar practices elsewhere."""
