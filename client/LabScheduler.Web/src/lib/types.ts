import type { ZonedTime } from './format';

export interface Slot { instrumentId: string; labId: string; start: string; end: string; lab: ZonedTime; requester: ZonedTime }
export interface Instrument { id: string; labId: string; name: string; category: string; currency: string; timeZone: string; status: string; rules?: { slotMinutes?: number; capacity?: number } }
export interface Booking {
  id: string; instrumentId: string; labId: string; teamId: string; userId: string; status: string;
  start: string; end: string; lab: ZonedTime; requester: ZonedTime; purpose?: string; seriesId?: string;
}
export interface Quote { tariff: string; ratePerHour: number; minutes: number; amount: number; currency: string }
