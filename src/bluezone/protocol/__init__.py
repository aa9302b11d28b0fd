"""The GAEN wire protocol, pure: keys and IDs, BLE payloads, export files, certificate MACs, matching."""
