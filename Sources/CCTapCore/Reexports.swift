// The model's types (results, errors, ids, JSON values) are part of this library's API: whoever
// imports CCTapCore gets them too, so the surfaces and the library's users need one import.
@_exported import CCTapModel
