"""Registers: their schemas, the journal that makes writes durable, and the workbook writer."""
