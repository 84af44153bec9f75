package console

// SetEventsCSVLimits makes the export's batch and cap small for a test;
// the returned function puts them back.
func SetEventsCSVLimits(batch, max int) (restore func()) {
	oldBatch, oldMax := eventsCSVBatch, eventsCSVMax
	eventsCSVBatch, eventsCSVMax = batch, max
	return func() { eventsCSVBatch, eventsCSVMax = oldBatch, oldMax }
}
