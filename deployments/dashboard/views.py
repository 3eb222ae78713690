from django.http import HttpResponse


def home(request):
    return HttpResponse("placeholder")


events_csv = events_json = home
