"""Appointments (预约): slots from a guide's hall hours, bookings whose capacity a unique key holds."""
