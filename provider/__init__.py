"""The Processing provider "Map Server Cache" and the settings of server connections."""
